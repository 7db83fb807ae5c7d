"""Demo training content, written from the Veilig Huis presentation (the design brief, DESIGN.md, outside this repository): two
courses with lessons and quizzes, training sessions and an autumn peer-support session.

Called by ``manage.py load_demo_content``; idempotent (existing pages and sessions are kept).
All people and cases are fictional.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from content.models import HomePage

from .models import (
    CoursePage,
    LessonPage,
    QuizPage,
    SessionKind,
    TrainingIndexPage,
    TrainingSession,
)


def _id() -> str:
    return str(uuid.uuid4())


def _stream(blocks: list[tuple[str, Any]]) -> str:
    return json.dumps([{"type": kind, "value": value, "id": _id()} for kind, value in blocks])


def _text(html: str) -> tuple[str, str]:
    return ("text", html)


def _vignette(title: str, situation: str, questions: list[str]) -> tuple[str, dict[str, Any]]:
    return ("vignette", {"title": title, "situation": situation, "questions": questions})


def _reflection(question: str, guidance: str = "") -> tuple[str, dict[str, Any]]:
    return ("reflection", {"question": question, "guidance": guidance})


def _single(prompt: str, choices: list[tuple[str, bool, str]]) -> tuple[str, dict[str, Any]]:
    return (
        "single_choice",
        {
            "prompt": prompt,
            "choices": [{"text": t, "correct": c, "feedback": f} for t, c, f in choices],
        },
    )


def _multiple(prompt: str, choices: list[tuple[str, bool, str]]) -> tuple[str, dict[str, Any]]:
    return (
        "multiple_choice",
        {
            "prompt": prompt,
            "choices": [{"text": t, "correct": c, "feedback": f} for t, c, f in choices],
        },
    )


def _true_false(
    prompt: str, is_true: bool, if_true: str, if_false: str
) -> tuple[str, dict[str, Any]]:
    return (
        "true_false",
        {
            "prompt": prompt,
            "is_true": is_true,
            "feedback_true": if_true,
            "feedback_false": if_false,
        },
    )


def _ordering(prompt: str, items: list[str], right: str, wrong: str) -> tuple[str, dict[str, Any]]:
    return (
        "ordering",
        {"prompt": prompt, "items": items, "feedback_correct": right, "feedback_incorrect": wrong},
    )


# --- Course 1: IFG herkennen en bespreekbaar maken -------------------------------------------

IFG_LESSONS: list[tuple[str, str, list[tuple[str, Any]]]] = [
    (
        "Wat is intrafamiliaal geweld?",
        "wat-is-ifg",
        [
            _text(
                "<p>Intrafamiliaal geweld (IFG) is elke vorm van <b>fysiek, psychisch, seksueel of "
                "economisch geweld</b> tussen twee of meer leden van een familie (kadernota "
                "integrale veiligheid, 2004).</p>"
                "<p>De nadruk ligt op de <b>relatie</b>, niet op het biologische verband: ook een "
                "nieuwe partner of een pleegouder kan deel uitmaken van de familie. Geweld is een "
                "strafbare gedraging, door een daad of door verzuim, waardoor iemand schade lijdt.</p>"
                "<p>IFG kan actief of passief zijn, incidenteel of chronisch, eenzijdig of "
                "wederkerig.</p>"
            ),
            _reflection(
                "Denk aan een gezin dat u via uw werk kent. Welke vormen van geweld zou u daar "
                "het minst snel opmerken?",
                "<p>Economisch en psychisch geweld laten geen zichtbare sporen na en worden vaak "
                "het laatst herkend.</p>",
            ),
        ],
    ),
    (
        "Vormen van IFG",
        "vormen-van-ifg",
        [
            _text(
                "<p>IFG heeft vele gezichten. We onderscheiden:</p><ul>"
                "<li><b>Kindermishandeling</b>: geweld tegen of verwaarlozing van kinderen, ook "
                "getuige zijn van geweld tussen ouders;</li>"
                "<li><b>Siblinggeweld</b>: geweld tussen broers en zussen;</li>"
                "<li><b>Oudermishandeling</b>: geweld van kinderen tegen hun ouders;</li>"
                "<li><b>Partnergeweld</b>: geweld tussen (ex-)partners;</li>"
                "<li><b>Ouderenmis(be)handeling</b>: geweld tegen, of verwaarlozing of uitbuiting "
                "van ouderen.</li></ul>"
            ),
            _vignette(
                "Het gezin van Mila",
                "<p>Mila (9) vertelt aan haar leerkracht dat ze 's nachts slecht slaapt omdat haar "
                "ouders 'altijd roepen'. Vorige week kwam de politie langs. Haar oudere broer "
                "slaat haar als de ouders niet thuis zijn. (Fictief voorbeeld.)</p>",
                [
                    "Welke vormen van IFG herkent u in deze situatie?",
                    "Wie zou u als eerste aanspreken, en hoe?",
                ],
            ),
        ],
    ),
    (
        "Een groot en hardnekkig probleem",
        "omvang-en-impact",
        [
            _text(
                "<p>IFG is een gigantisch en hardnekkig probleem:</p><ul>"
                "<li>in 2022 werden in Vlaanderen ongeveer <b>27.000 processen-verbaal</b> "
                "opgesteld;</li><li>het 'dark number' is zeer hoog: veel geweld wordt nooit "
                "gemeld;</li><li>ongeveer <b>een op de vier</b> mensen krijgt er ooit mee te "
                "maken;</li><li>een slachtoffer zoekt gemiddeld pas hulp na <b>35 feiten</b>.</li>"
                "</ul><p>De corona- en energiecrisis deden het probleem toenemen. De impact op "
                "kinderen is verwoestend, er is intergenerationele overdracht, de problematiek is "
                "complex en gevaarlijk en de maatschappelijke kost is groot.</p>"
            ),
            _reflection(
                "Wat betekent het voor uw manier van vragen stellen dat een slachtoffer gemiddeld "
                "pas na 35 feiten hulp zoekt?"
            ),
        ],
    ),
    (
        "Bespreekbaar maken en samenwerken",
        "bespreekbaar-maken",
        [
            _text(
                "<p>Veel diensten zijn betrokken bij een gezin, maar krijgen het alleen niet "
                "opgelost. IFG vraagt meer aandacht, meer expertise, <b>intersectorale "
                "samenwerking</b> en een integrale aanpak.</p>"
                "<p>Maak het bespreekbaar: benoem wat u ziet, zonder te oordelen; vraag door; "
                "vertel wat u met de informatie zult doen. Twijfelt u? Stel een "
                "<b>consultvraag</b> aan Veilig Huis. Veilig Huis werkt op aanmelding door "
                "professionals: gezinnen kunnen er vandaag niet zelf rechtstreeks terecht.</p>"
                "<p>Aanmelden kan als aan deze voorwaarden voldaan is: de situatie is erg complex "
                "en vraagt een afgestemde aanpak van welzijn, gezondheid, politie en justitie; er "
                "is meervoudige problematiek in verschillende levensdomeinen; de hulpverlening is "
                "perspectiefloos of loopt vast.</p>"
            ),
            _vignette(
                "Een gesprek met meneer De Smet",
                "<p>Meneer De Smet (78) komt al weken niet meer naar het dienstencentrum. Een "
                "buurvrouw vertelt dat zijn zoon bij hem introk en zijn bankkaart 'beheert'. "
                "(Fictief voorbeeld.)</p>",
                ["Welke vorm van IFG vermoedt u?", "Hoe opent u het gesprek met meneer De Smet?"],
            ),
        ],
    ),
]

IFG_QUIZ_1 = [
    _single(
        "Welke omschrijving past het best bij intrafamiliaal geweld?",
        [
            (
                "Elke vorm van fysiek, psychisch, seksueel of economisch geweld tussen twee of meer "
                "leden van een familie",
                True,
                "Juist: zo omschrijft de kadernota integrale veiligheid het.",
            ),
            (
                "Alleen lichamelijk geweld tussen partners",
                False,
                "Partnergeweld is één vorm; IFG is breder.",
            ),
            ("Geweld tussen buren of collega's", False, "Het gaat om leden van een familie."),
        ],
    ),
    _multiple(
        "Welke zijn vormen van IFG? Duid alle juiste antwoorden aan.",
        [
            ("Oudermishandeling", True, "Ja: geweld van kinderen tegen hun ouders."),
            ("Siblinggeweld", True, "Ja: geweld tussen broers en zussen."),
            ("Ouderenmis(be)handeling", True, "Ja, ook verwaarlozing en uitbuiting."),
            ("Pesten op het werk", False, "Dat is geen geweld binnen een familie."),
        ],
    ),
    _true_false(
        "Bij IFG ligt de nadruk meer op het relationele dan op het biologische verband.",
        True,
        "Juist: ook een nieuwe partner of pleegouder hoort erbij.",
        "Niet juist: de relatie telt, niet alleen de bloedband.",
    ),
    _true_false(
        "Geweld door verzuim, zoals verwaarlozing, valt niet onder IFG.",
        False,
        "Toch wel: geweld kan een daad zijn of een verzuim.",
        "Klopt: ook verzuim dat schade berokkent, is geweld.",
    ),
]

IFG_QUIZ_2 = [
    _single(
        "Na hoeveel feiten zoekt een slachtoffer gemiddeld hulp?",
        [
            ("3", False, "Helaas veel later."),
            ("12", False, "Nog later."),
            ("35", True, "Juist: daarom is vroeg en gericht vragen zo belangrijk."),
        ],
    ),
    _multiple(
        "Wanneer kunt u een gezin aanmelden bij Veilig Huis? Duid alle voorwaarden aan.",
        [
            (
                "De situatie is erg complex en vraagt een afgestemde aanpak van welzijn, gezondheid, "
                "politie en justitie",
                True,
                "Ja, de eerste voorwaarde.",
            ),
            ("Er is meervoudige problematiek in verschillende levensdomeinen", True, "Ja."),
            ("De hulpverlening is perspectiefloos of loopt vast", True, "Ja."),
            (
                "Het gezin vraagt zelf om hulp bij Veilig Huis",
                False,
                "Alleen professionals melden aan.",
            ),
        ],
    ),
    _true_false(
        "Gezinnen kunnen vandaag zelf rechtstreeks bij Veilig Huis terecht.",
        False,
        "Niet juist: Veilig Huis werkt op aanmelding door professionals.",
        "Juist: alleen professionals melden aan.",
    ),
    _ordering(
        "Zet de stappen van een gesprek over vermoedens van IFG in een goede volgorde.",
        [
            "Benoem wat u ziet, zonder te oordelen",
            "Vraag door en luister",
            "Vertel wat u met de informatie zult doen",
            "Stem af met collega's of stel een consultvraag",
        ],
        "Goed: eerst waarnemen en luisteren, dan transparant zijn over de volgende stappen.",
        "Begin met wat u ziet en luister; pas daarna beslist u over de volgende stappen.",
    ),
]

# --- Course 2: Intensieve casusregie in de ketenaanpak ----------------------------------------

CASE_LESSONS: list[tuple[str, str, list[tuple[str, Any]]]] = [
    (
        "Ketenaanpak IFG en Veilig Huis",
        "ketenaanpak",
        [
            _text(
                "<p>Veilig Huis brengt diensten samen die een rol spelen in de aanpak van familiaal "
                "geweld, met twee hoofddoelen: <b>gezinsgeweld stoppen</b> en de "
                "<b>beschermende factoren</b> in het gezin vergroten. Veilig Huis opende op 25 "
                "november 2023 in alle Vlaamse provincies, met negen centra.</p>"
                "<p>De Ketenaanpak IFG bestaat in Oost-Vlaanderen sinds december 2017: een "
                "samenwerkingsverband van negen diensten: K&amp;G, VK, OCJ/SDJ, OCMW, CAW, CGG, "
                "politie, parket en justitiehuizen.</p>"
            ),
        ],
    ),
    (
        "De rol van de casusregisseur",
        "rol-casusregisseur",
        [
            _text(
                "<p>De casusregisseur is het <b>aanspreekpunt</b> voor cliënten, de betrokken "
                "hulpverlening, politie en parket; houdt het <b>overzicht</b> over alle lopende "
                "trajecten in het gezin; en <b>volgt het plan van aanpak</b> en de afgesproken "
                "doelen op.</p><p>Intensieve casusregie verloopt in drie fasen: exploratie, "
                "uitvoering en afronding.</p>"
            ),
        ],
    ),
    (
        "Exploratie en uitvoering",
        "exploratie-en-uitvoering",
        [
            _text(
                "<p><b>Exploratie</b> is de kennismakingsfase: de rol verklaren, kennismaken met "
                "de diensten en tijd nemen, op het tempo van het gezin, om een vertrouwensrelatie "
                "op te bouwen en zicht te krijgen op de levensdomeinen met hun krachten, zorgen, "
                "bezorgdheden en wensen. Samen stellen gezin en diensten een plan van aanpak (PvA) "
                "op.</p><p>In de <b>uitvoering</b> wordt het PvA voorgelegd in team regie, "
                "gefaciliteerd en in kleine stapjes toegepast: actieve en warme doorverwijzing, "
                "duidelijke rollen per dienst, cliënt- en casusoverleg, afstemming met politie en "
                "parket, en opvolgen, evalueren en bijsturen.</p>"
            ),
            _vignette(
                "Gezin Scheldekracht (fictief, naar een voorbeeld uit de praktijk)",
                "<p>Een CLB meldt een gezin aan: fysiek, verbaal en emotioneel geweld, meerdere "
                "politietussenkomsten, kinderen die getuige zijn, financiële stress en "
                "middelengebruik. Bij de start zijn SDJ en de sociale cel van de politie "
                "betrokken.</p>",
                [
                    "Welke levensdomeinen brengt u eerst in kaart?",
                    "Wie nodigt u uit op het eerste netwerkoverleg?",
                ],
            ),
        ],
    ),
    (
        "Afronden en afsluiten",
        "afronding",
        [
            _text(
                "<p>Afrondingscriteria: er is <b>geen nieuw IFG</b>, er is <b>vooruitgang</b> "
                "geboekt, de <b>hulpverlening loopt</b>, <b>iedereen kent elkaar</b> en de "
                "cliënten weten bij wie ze voor wat terechtkunnen.</p><p>Zijn er nieuwe "
                "incidenten of bezorgdheden, dan kan het dossier heropend worden; zonder "
                "incidenten wordt het afgesloten.</p>"
            ),
            _reflection("Welk afrondingscriterium is in uw eigen werk het moeilijkst te bereiken?"),
        ],
    ),
]

CASE_QUIZ_1 = [
    _ordering(
        "Zet de fasen van intensieve casusregie in de juiste volgorde.",
        ["Exploratiefase", "Uitvoeringsfase", "Afronding"],
        "Juist: eerst kennismaken en een plan opstellen, dan uitvoeren, dan afronden.",
        "De casusregie begint met exploratie en eindigt met afronding.",
    ),
    _multiple(
        "Wat hoort bij de rol van de casusregisseur?",
        [
            ("Aanspreekpunt voor cliënten, hulpverlening, politie en parket", True, "Ja."),
            ("Overzicht houden over alle lopende trajecten", True, "Ja."),
            ("Het plan van aanpak opvolgen", True, "Ja."),
            (
                "De hulpverlening van alle diensten zelf uitvoeren",
                False,
                "Nee: de regisseur faciliteert.",
            ),
        ],
    ),
    _single(
        "Waar wordt het plan van aanpak voorgelegd voor de uitvoering start?",
        [
            ("In team regie", True, "Juist."),
            ("Bij de jeugdrechter", False, "Niet juist."),
            (
                "Alleen aan het gezin",
                False,
                "Het gezin stelt het mee op; het team regie bespreekt het.",
            ),
        ],
    ),
]

CASE_QUIZ_2 = [
    _multiple(
        "Welke zijn afrondingscriteria?",
        [
            ("Geen nieuw IFG", True, "Ja."),
            ("De hulpverlening loopt", True, "Ja."),
            ("Cliënten weten bij wie ze voor wat terechtkunnen", True, "Ja."),
            (
                "Alle diensten hebben het dossier afgesloten",
                False,
                "Nee: de hulpverlening loopt juist.",
            ),
        ],
    ),
    _true_false(
        "Een afgesloten dossier kan heropend worden bij nieuwe incidenten.",
        True,
        "Juist.",
        "Niet juist: bij nieuwe incidenten of bezorgdheden kan het heropend worden.",
    ),
    _single(
        "Hoeveel diensten werken samen in de Ketenaanpak IFG?",
        [
            ("Vijf", False, "Het zijn er meer."),
            ("Negen", True, "Juist."),
            ("Twaalf", False, "Het zijn er minder."),
        ],
    ),
]


COURSES: list[dict[str, Any]] = [
    {
        "title": "IFG herkennen en bespreekbaar maken",
        "slug": "ifg-herkennen",
        "summary": "Wat intrafamiliaal geweld is, in welke vormen het voorkomt, hoe u signalen "
        "herkent en hoe u het gesprek aangaat.",
        "audience": "Professionals uit elke sector die met gezinnen werken: onderwijs, zorg, "
        "welzijn, politie, justitie",
        "duration": "ongeveer 2 uur",
        "hours": Decimal("2.0"),
        "objectives": "<ul><li>U kunt IFG omschrijven en de vijf vormen herkennen.</li>"
        "<li>U kent de omvang en de impact van het probleem.</li>"
        "<li>U weet hoe u een vermoeden bespreekbaar maakt en wanneer u Veilig Huis "
        "raadpleegt.</li></ul>",
        "warning": "Deze cursus gaat over geweld in gezinnen, ook tegen kinderen. Raakt het u "
        "persoonlijk? Praat erover met iemand die u vertrouwt of bel gratis en anoniem 1712.",
        "sequential": True,
        "valid_months": 36,
        "lessons": IFG_LESSONS,
        "quizzes": [
            ("Toets 1: wat is IFG?", "toets-wat-is-ifg", IFG_QUIZ_1, 2),
            ("Toets 2: herkennen en aanpakken", "toets-herkennen", IFG_QUIZ_2, 4),
        ],
    },
    {
        "title": "Intensieve casusregie in de ketenaanpak",
        "slug": "intensieve-casusregie",
        "summary": "Hoe Veilig Huis met de ketenpartners een gezin begeleidt: de rol van de "
        "casusregisseur en de drie fasen van intensieve casusregie.",
        "audience": "Professionals van partnerdiensten die samenwerken met Veilig Huis",
        "duration": "ongeveer 1,5 uur",
        "hours": Decimal("1.5"),
        "objectives": "<ul><li>U kent de ketenaanpak en de negen partners.</li>"
        "<li>U kunt de drie fasen van intensieve casusregie beschrijven.</li>"
        "<li>U kent de afrondingscriteria.</li></ul>",
        "warning": "",
        "sequential": False,
        "valid_months": None,
        "lessons": CASE_LESSONS,
        "quizzes": [
            ("Toets 1: rol en fasen", "toets-rol-en-fasen", CASE_QUIZ_1, 2),
            ("Toets 2: afronden", "toets-afronden", CASE_QUIZ_2, 4),
        ],
    },
]


def _publish(parent: Any, page: Any) -> Any:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def ensure_training_index(home: HomePage) -> TrainingIndexPage:
    index = TrainingIndexPage.objects.child_of(home).first()
    if index is None:
        index = _publish(
            home,
            TrainingIndexPage(
                title="Vorming",
                slug="vorming",
                show_in_menus=True,
                intro="<p>Deskundigheidsbevordering is een van de basisopdrachten van Veilig "
                "Huis. Volg online cursussen in uw eigen tempo, schrijf u in voor een vorming en "
                "ontvang een attest.</p>",
            ),
        )
    return index


def ensure_course(index: TrainingIndexPage, spec: dict[str, Any]) -> CoursePage:
    course = CoursePage.objects.child_of(index).filter(slug=spec["slug"]).first()
    if course is not None:
        return course
    course = _publish(
        index,
        CoursePage(
            title=spec["title"],
            slug=spec["slug"],
            summary=spec["summary"],
            audience=spec["audience"],
            duration=spec["duration"],
            training_hours=spec["hours"],
            learning_objectives=spec["objectives"],
            content_warning=spec["warning"],
            sequential=spec["sequential"],
            certificate_valid_months=spec["valid_months"],
        ),
    )
    # Lessons and quizzes interleaved: each quiz goes after the lesson number it follows.
    quizzes = {after: (title, slug, questions) for title, slug, questions, after in spec["quizzes"]}
    for number, (title, slug, body) in enumerate(spec["lessons"], start=1):
        _publish(course, LessonPage(title=title, slug=slug, body=_stream(body)))
        if number in quizzes:
            quiz_title, quiz_slug, questions = quizzes[number]
            _publish(
                course,
                QuizPage(
                    title=quiz_title,
                    slug=quiz_slug,
                    intro="<p>Beantwoord alle vragen. U mag de toets zo vaak opnieuw doen als u "
                    "wilt; de vragen komen telkens in een andere volgorde.</p>",
                    questions=_stream(questions),
                    pass_mark=75,
                ),
            )
    return course


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def ensure_demo_sessions(courses: list[CoursePage]) -> list[TrainingSession]:
    specs = [
        {
            "kind": SessionKind.IN_PERSON,
            "title": "Vorming: IFG herkennen en bespreekbaar maken (Gent)",
            "description": "Een halve dag met oefeningen en casussen, als vervolg op de online "
            "cursus.",
            "course": courses[0],
            "starts_at": _at(21, 9),
            "ends_at": _at(21, 12, 30),
            "location": "VAC Gent, Koningin Maria Hendrikaplein 70, 9000 Gent (fictieve zaal)",
            "capacity": 20,
            "hours": Decimal("3.5"),
        },
        {
            "kind": SessionKind.ONLINE,
            "title": "Online vorming: werken met de ketenaanpak",
            "description": "Een online sessie over samenwerken in de ketenaanpak IFG.",
            "course": courses[1],
            "starts_at": _at(35, 13, 30),
            "ends_at": _at(35, 15, 30),
            "location": "Online",
            # Fictional: .example never resolves.
            "online_link": "https://vergaderen.example/vorming-ketenaanpak",
            "capacity": 2,
            "hours": Decimal("2.0"),
        },
        {
            "kind": SessionKind.PEER_SUPPORT,
            "title": "Lotgenotensessie (najaar)",
            "description": "Een begeleid groepsgesprek voor wie geweld in het gezin meemaakte, of "
            "voor een naaste. U hoeft niets te vertellen wat u niet wilt.",
            "course": None,
            "starts_at": _at(10, 19),
            "ends_at": _at(10, 21),
            "location": "Gent",
            # Mailed to confirmed places only; never on the site (a fictional address).
            "private_address": "Zaal De Linde, Fictiefstraat 12, 9000 Gent (eerste verdieping)",
            "capacity": 8,
            "hours": Decimal("0"),
        },
    ]
    sessions = []
    for spec in specs:
        session = TrainingSession.objects.filter(title=spec["title"]).first()
        if session is None:
            session = TrainingSession.objects.create(
                kind=spec["kind"],
                title=spec["title"],
                description=spec["description"],
                course=spec["course"],
                starts_at=spec["starts_at"],
                ends_at=spec["ends_at"],
                location=spec["location"],
                private_address=spec.get("private_address", ""),
                online_link=spec.get("online_link", ""),
                capacity=spec["capacity"],
                training_hours=spec["hours"],
            )
        elif "bevestigingsmail" in session.location:
            # A demo loaded before the private address existed said "the address is in your
            # confirmation mail" and mailed none (issue 16, item 2).
            session.location = spec["location"]
            session.private_address = spec.get("private_address", "")
            session.online_link = spec.get("online_link", "")
            session.save(update_fields=["location", "private_address", "online_link"])
        sessions.append(session)
    return sessions


def link_demo_agenda(sessions: list[TrainingSession]) -> None:
    """The agenda's peer-support event is booked through the demo peer-support session, so the
    agenda lists it once and links to its form (``content.agenda``)."""
    from content.demo_texts import EVENTS
    from content.models import EventPage

    peer = next(s for s in sessions if s.kind == SessionKind.PEER_SUPPORT)
    slug = next(slug for slug, data in EVENTS["pages"] if data["kind"] == "peer_support")
    event = EventPage.objects.filter(slug=slug, booking_session__isnull=True).first()
    if event is None:
        return  # no demo agenda (only the home page), or linked already
    event.booking_session = peer
    event.save_revision().publish()  # clean() takes the session's start and end


@transaction.atomic
def ensure_demo_training() -> TrainingIndexPage:
    """The catalogue, two courses and three sessions. The demo learner (who signed up) gets a
    confirmed e-mail address so that they can start at once."""
    from portal.accounts.models import User

    home = HomePage.objects.first()
    if home is None:
        from content.demo import ensure_home_page

        home = ensure_home_page()
    index = ensure_training_index(home)
    courses = [ensure_course(index, spec) for spec in COURSES]
    link_demo_agenda(ensure_demo_sessions(courses))
    from portal.accounts.demo import DEMO_PEOPLE

    learners = [person.email for person in DEMO_PEOPLE if person.totp_key is None]
    User.objects.filter(email__in=learners, email_verified_at__isnull=True).update(
        email_verified_at=timezone.now()
    )
    return index


def demo_step(context: dict[str, Any]) -> None:
    """Courses, lessons, quizzes and sessions (portal/demo.py)."""
    ensure_demo_training()
