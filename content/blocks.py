"""StreamField blocks for the public pages.

Every block renders its own template under ``templates/content/blocks/``; the templates use
semantic HTML only (no inline style or script), so editors cannot break the CSP or the contrast.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("tekst"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("niveau"),
        choices=[("h2", _("Kop 2")), ("h3", _("Kop 3"))],
        default="h2",
        help_text=_("Kop 2 voor een nieuw onderdeel, kop 3 daarbinnen. Sla geen niveau over."),
    )

    class Meta:
        icon = "title"
        label = _("Tussenkop")
        template = "content/blocks/heading.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("soort"),
        choices=[("info", _("Informatie")), ("warning", _("Let op")), ("help", _("Hulp"))],
        default="info",
    )
    heading = blocks.CharBlock(label=_("titel"), max_length=120)
    text = blocks.RichTextBlock(label=_("tekst"), features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "warning"
        label = _("Kader")
        template = "content/blocks/callout.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("citaat"))
    attribution = blocks.CharBlock(
        label=_("bron"), required=False, help_text=_("Geen echte namen van cliënten.")
    )

    class Meta:
        icon = "openquote"
        label = _("Citaat")
        template = "content/blocks/quote.html"


class AccessibleImageBlock(blocks.StructBlock):
    """An image whose alternative text is required: WCAG 1.1.1, and the editor decides it."""

    image = ImageChooserBlock(label=_("afbeelding"))
    alt_text = blocks.CharBlock(
        label=_("alternatieve tekst"),
        max_length=250,
        help_text=_(
            "Beschrijf wat de afbeelding toont voor wie ze niet kan zien. Verplicht; "
            "begin niet met 'afbeelding van'."
        ),
    )
    caption = blocks.CharBlock(label=_("onderschrift"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Afbeelding")
        template = "content/blocks/image.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    label = blocks.CharBlock(
        label=_("linktekst"),
        max_length=150,
        help_text=_("Zeg wat het document is, bijvoorbeeld 'Folder over Veilig Huis (pdf)'."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "content/blocks/document_link.html"


class VideoBlock(blocks.StructBlock):
    """A self-hosted video (no third-party player, no trackers) with a transcript."""

    title = blocks.CharBlock(label=_("titel"), max_length=150)
    video = DocumentChooserBlock(
        label=_("videobestand"), help_text=_("Een mp4- of webm-bestand uit de documenten.")
    )
    captions = DocumentChooserBlock(
        label=_("ondertitels (WebVTT)"), required=False, help_text=_("Een .vtt-bestand.")
    )
    transcript = blocks.RichTextBlock(
        label=_("uitgeschreven tekst"),
        features=["bold", "italic", "ul", "ol"],
        help_text=_(
            "Verplicht: wat er gezegd en getoond wordt, voor wie de video niet kan volgen."
        ),
    )

    class Meta:
        icon = "media"
        label = _("Video met uitgeschreven tekst")
        template = "content/blocks/video.html"


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("vraag"), max_length=200)
    answer = blocks.RichTextBlock(label=_("antwoord"), features=["bold", "italic", "link", "ul"])


class FaqBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("titel"), max_length=120, required=False)
    items = blocks.ListBlock(FaqItemBlock(), label=_("vragen"), min_num=1)

    class Meta:
        icon = "help"
        label = _("Veelgestelde vragen")
        template = "content/blocks/faq.html"


class KeyFigureBlock(blocks.StructBlock):
    figure = blocks.CharBlock(label=_("cijfer"), max_length=20)
    label = blocks.CharBlock(label=_("uitleg"), max_length=200)
    source = blocks.CharBlock(label=_("bron"), max_length=150, required=False)


class KeyFiguresBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("titel"), max_length=120, required=False)
    figures = blocks.ListBlock(KeyFigureBlock(), label=_("cijfers"), min_num=1, max_num=6)

    class Meta:
        icon = "table"
        label = _("Kerncijfers")
        template = "content/blocks/key_figures.html"


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("titel"), max_length=120)
    text = blocks.TextBlock(label=_("tekst"), required=False)
    page = blocks.PageChooserBlock(label=_("pagina"), required=False)
    url = blocks.URLBlock(label=_("of externe link"), required=False)
    link_text = blocks.CharBlock(label=_("knoptekst"), max_length=60)

    class Meta:
        icon = "link"
        label = _("Oproep tot actie")
        template = "content/blocks/call_to_action.html"

    def clean(self, value: blocks.StructValue) -> blocks.StructValue:
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": blocks.BlockValidationError(
                        _("Kies een pagina of geef een link, niet allebei.")
                    )
                }
            )
        return value


class ContactCardBlock(blocks.StructBlock):
    contact = SnippetChooserBlock("content.ContactPerson", label=_("contactpersoon"))

    class Meta:
        icon = "user"
        label = _("Contactkaart")
        template = "content/blocks/contact_card.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("tekst"), features=RICH_TEXT_FEATURES)
    heading = HeadingBlock()
    callout = CalloutBlock()
    quote = QuoteBlock()
    image = AccessibleImageBlock()
    document = DocumentLinkBlock()
    video = VideoBlock()
    faq = FaqBlock()
    key_figures = KeyFiguresBlock()
    call_to_action = CallToActionBlock()
    contact_card = ContactCardBlock()
