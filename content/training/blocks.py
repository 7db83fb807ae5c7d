"""StreamField blocks for lessons (content) and quizzes (questions).

Question blocks are only templates for an attempt: when a learner starts an attempt, the drawn
questions are copied into the attempt (see ``services.quizzes``), so an editor's later change never
alters a running or graded attempt.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock


def _same_site_path(value: str) -> None:
    """Video and caption files come from this site only: the CSP allows no other origin."""
    if value and not value.startswith("/"):
        raise ValidationError(_("Gebruik een pad op deze site dat begint met '/'."))


# --- Lesson content ------------------------------------------------------------------------


class VideoBlock(blocks.StructBlock):
    """A self-hosted video. Captions and a transcript are required for WCAG 2.2 (1.2.2, 1.2.3)."""

    title = blocks.CharBlock(label=_("titel"))
    video_path = blocks.CharBlock(
        label=_("videobestand"),
        help_text=_("Pad op deze site, bv. /media/vorming/inleiding.mp4"),
        validators=[_same_site_path],
    )
    captions_path = blocks.CharBlock(
        label=_("ondertitels (WebVTT)"),
        help_text=_("Pad op deze site naar een .vtt-bestand met Nederlandse ondertitels."),
        validators=[_same_site_path],
    )
    transcript = blocks.RichTextBlock(label=_("transcript"), features=["bold", "italic", "ul"])

    class Meta:
        icon = "media"
        label = _("Video met ondertitels en transcript")
        template = "training/blocks/video.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    description = blocks.CharBlock(label=_("korte beschrijving"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "training/blocks/document.html"


class VignetteBlock(blocks.StructBlock):
    """A fictional case vignette with questions to think about."""

    title = blocks.CharBlock(label=_("titel"))
    situation = blocks.RichTextBlock(label=_("situatie"), features=["bold", "italic", "ul"])
    questions = blocks.ListBlock(blocks.CharBlock(label=_("vraag")), label=_("vragen"), min_num=0)

    class Meta:
        icon = "group"
        label = _("Casusvignet")
        template = "training/blocks/vignette.html"


class ReflectionBlock(blocks.StructBlock):
    """A question for the learner to reflect on. Answers are not stored (collect the minimum)."""

    question = blocks.CharBlock(label=_("reflectievraag"))
    guidance = blocks.RichTextBlock(
        label=_("denkrichting"), required=False, features=["bold", "italic", "ul"]
    )

    class Meta:
        icon = "help"
        label = _("Reflectievraag")
        template = "training/blocks/reflection.html"


class LessonStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("tekst"), features=["h2", "h3", "bold", "italic", "ol", "ul", "link"]
    )
    video = VideoBlock()
    document = DocumentBlock()
    vignette = VignetteBlock()
    reflection = ReflectionBlock()


# --- Quiz questions --------------------------------------------------------------------------


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("antwoord"))
    correct = blocks.BooleanBlock(label=_("juist antwoord"), required=False)
    feedback = blocks.CharBlock(label=_("feedback bij dit antwoord"), required=False)

    class Meta:
        icon = "tick"


def _count_correct(value: Any) -> int:
    return sum(1 for choice in value.get("choices", []) if choice.get("correct"))


class SingleChoiceQuestionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("vraag"))
    choices = blocks.ListBlock(ChoiceBlock(), label=_("antwoorden"), min_num=2)

    class Meta:
        icon = "radio-full"
        label = _("Eén juist antwoord")

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if _count_correct(value) != 1:
            raise StructBlockValidationError(
                block_errors={"choices": ValidationError(_("Duid precies één juist antwoord aan."))}
            )
        return value


class MultipleChoiceQuestionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("vraag"))
    choices = blocks.ListBlock(ChoiceBlock(), label=_("antwoorden"), min_num=2)

    class Meta:
        icon = "list-ul"
        label = _("Meerdere juiste antwoorden")

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if _count_correct(value) < 1:
            raise StructBlockValidationError(
                block_errors={
                    "choices": ValidationError(_("Duid minstens één juist antwoord aan."))
                }
            )
        return value


class TrueFalseQuestionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("stelling"))
    is_true = blocks.BooleanBlock(label=_("de stelling is juist"), required=False)
    feedback_true = blocks.CharBlock(label=_("feedback bij 'juist'"), required=False)
    feedback_false = blocks.CharBlock(label=_("feedback bij 'niet juist'"), required=False)

    class Meta:
        icon = "tick-inverse"
        label = _("Juist of niet juist")


class OrderingQuestionBlock(blocks.StructBlock):
    """Put items in order. Learners choose a position per item (keyboard-operable, no dragging)."""

    prompt = blocks.TextBlock(label=_("vraag"))
    items = blocks.ListBlock(
        blocks.CharBlock(label=_("stap")),
        label=_("stappen in de juiste volgorde"),
        min_num=2,
        max_num=8,
    )
    feedback_correct = blocks.CharBlock(label=_("feedback bij de juiste volgorde"), required=False)
    feedback_incorrect = blocks.CharBlock(
        label=_("feedback bij een andere volgorde"), required=False
    )

    class Meta:
        icon = "order"
        label = _("Volgorde")


class QuestionStreamBlock(blocks.StreamBlock):
    single_choice = SingleChoiceQuestionBlock()
    multiple_choice = MultipleChoiceQuestionBlock()
    true_false = TrueFalseQuestionBlock()
    ordering = OrderingQuestionBlock()

    class Meta:
        min_num = 1
