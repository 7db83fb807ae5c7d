"""Texts of the demo public site, written in our own words from the source presentation and the
context facts (``shared/source``). Blocks are (block type, value) pairs for ``content.demo_site``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

MAILBOX = "veilighuis.oostvlaanderen@vlaanderen.be"


def p(*paragraphs: str) -> tuple[str, str]:
    return ("paragraph", "".join(f"<p>{text}</p>" for text in paragraphs))


def ul(*items: str) -> tuple[str, str]:
    return ("paragraph", "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")


def ol(*items: str) -> tuple[str, str]:
    return ("paragraph", "<ol>" + "".join(f"<li>{item}</li>" for item in items) + "</ol>")


def h(text: str, level: str = "h2") -> tuple[str, dict[str, str]]:
    return ("heading", {"text": text, "level": level})


def callout(heading: str, text: str, kind: str = "info") -> tuple[str, dict[str, str]]:
    return ("callout", {"kind": kind, "heading": heading, "text": f"<p>{text}</p>"})


HELP_CALLOUT = callout(
    "Bent u in gevaar?",
    "Bel 112 bij acuut gevaar, of de politie op 101. Wilt u praten over geweld, misbruik of "
    "kindermishandeling? Bel gratis en anoniem 1712.",
    "help",
)

KEY_FIGURES = (
    "key_figures",
    {
        "heading": "Intrafamiliaal geweld in cijfers",
        "figures": [
            {
                "figure": "27.000",
                "label": "processen-verbaal voor intrafamiliaal geweld in Vlaanderen in 2022",
                "source": "Politiecijfers 2022",
            },
            {
                "figure": "1 op 4",
                "label": "mensen krijgt ooit met intrafamiliaal geweld te maken",
                "source": "",
            },
            {
                "figure": "35",
                "label": "keer geweld, gemiddeld, voordat een slachtoffer hulp zoekt",
                "source": "",
            },
        ],
    },
)

HOME: dict[str, Any] = {
    "title": "Veilig Huis",
    "intro": (
        "Geweld in een gezin of familie stopt zelden vanzelf. Veilig Huis brengt hulpverlening, "
        "politie en justitie samen om het geweld te doen stoppen en gezinnen sterker te maken."
    ),
    "body": [
        p(
            "Intrafamiliaal geweld komt veel vaker voor dan we denken, in alle lagen van de bevolking. "
            "Het laat diepe sporen na, zeker bij kinderen. Op deze website leest u wat intrafamiliaal "
            "geweld is, wat Veilig Huis doet en waar u terechtkunt."
        ),
        KEY_FIGURES,
        (
            "call_to_action",
            {
                "heading": "Werkt u met een gezin waar geweld speelt?",
                "text": "Stel uw vraag aan een coördinator van Veilig Huis. U krijgt advies over de aanpak, en samen bekijken we of een aanmelding zinvol is.",
                "page": None,  # set to the consult page by content.demo_site
                "url": "",
                "link_text": "Stel een consultvraag",
            },
        ),
    ],
}

IFG: dict[str, Any] = {
    "title": "Wat is intrafamiliaal geweld?",
    "intro": (
        "Intrafamiliaal geweld is elke vorm van fysiek, psychisch, seksueel of economisch geweld "
        "tussen twee of meer leden van een familie."
    ),
    "body": [
        p(
            "Met geweld bedoelen we gedrag waardoor iemand schade lijdt en dat strafbaar kan zijn: iets wat "
            "iemand doet, maar ook iets wat iemand nalaat. Denk aan slaan en duwen, maar ook aan kleineren, "
            "bedreigen, isoleren, iemand tot seks dwingen of iemand het eigen geld afnemen.",
            "Bij 'familie' kijken we vooral naar de relatie tussen mensen, niet naar bloedbanden. Ook "
            "ex-partners, stiefouders of een nieuwe partner van een ouder horen erbij.",
        ),
        h("Hoe geweld eruit kan zien"),
        ul(
            "<b>actief of passief</b>: geweld gebruiken, of zorg en bescherming onthouden;",
            "<b>incidenteel of chronisch</b>: één keer, of steeds opnieuw;",
            "<b>eenzijdig of wederkerig</b>: één persoon pleegt het geweld, of meerdere gezinsleden over en weer.",
        ),
        h("Vijf vormen"),
        p(
            "We onderscheiden kindermishandeling, geweld tussen broers en zussen, oudermishandeling, "
            'partnergeweld en ouderenmis(be)handeling. Op de pagina <a href="/vormen-van-geweld/">Vormen van geweld</a> '
            "leest u meer over elke vorm."
        ),
        h("Een groot en hardnekkig probleem"),
        p(
            "In 2022 schreef de politie in Vlaanderen ongeveer 27.000 processen-verbaal uit voor intrafamiliaal "
            "geweld. Dat is maar een deel van de werkelijkheid: veel geweld wordt nooit gemeld. Dat verborgen "
            "deel noemen we het dark number, en het is zeer groot.",
            "Ongeveer een op de vier mensen krijgt er ooit mee te maken. Een slachtoffer zoekt gemiddeld pas "
            "hulp na 35 keer geweld. De coronacrisis en de energiecrisis hebben de druk op gezinnen nog "
            "verhoogd en het geweld doen toenemen.",
        ),
        KEY_FIGURES,
        h("Waarom het zo zwaar weegt"),
        ul(
            "Het geweld heeft een verwoestende impact op kinderen, ook als zij het 'alleen maar' zien of horen.",
            "Het wordt vaak van generatie op generatie doorgegeven.",
            "De situaties zijn complex en kunnen gevaarlijk zijn.",
            "De maatschappelijke kost is groot: in gezondheid, onderwijs, werk en veiligheid.",
        ),
        h("Geen enkele dienst lost het alleen op"),
        p(
            "Rond één gezin zijn vaak veel diensten betrokken: jeugdhulp, welzijnswerk, geestelijke "
            "gezondheidszorg, politie, parket. Elk doet zijn deel, maar apart raken ze er niet uit. "
            "Intrafamiliaal geweld vraagt meer aandacht, meer deskundigheid, samenwerking over sectoren "
            "heen en een aanpak die het hele gezin ziet. Daarvoor is er Veilig Huis."
        ),
        HELP_CALLOUT,
    ],
}

FORMS: dict[str, Any] = {
    "index": {
        "title": "Vormen van geweld",
        "intro": "Intrafamiliaal geweld kan iedereen in een gezin of familie treffen: kinderen, partners, ouders en ouderen.",
    },
    "pages": [
        (
            "kindermishandeling",
            {
                "title": "Kindermishandeling",
                "intro": "Geweld tegen een kind door een ouder, opvoeder of ander gezinslid: lichamelijk, psychisch, seksueel of door verwaarlozing.",
                "body": [
                    p(
                        "Kindermishandeling is niet alleen slaan. Ook kinderen die voortdurend gekleineerd of bang gemaakt worden, die niet de zorg krijgen die ze nodig hebben, of die getuige zijn van geweld tussen hun ouders, lopen schade op.",
                        "Maakt u zich zorgen over een kind? U kunt anoniem terecht bij de hulplijn 1712. Professionals kunnen een consultvraag stellen aan Veilig Huis.",
                    ),
                    HELP_CALLOUT,
                ],
            },
        ),
        (
            "geweld-tussen-broers-en-zussen",
            {
                "title": "Geweld tussen broers en zussen",
                "intro": "Ruzie hoort bij opgroeien, maar structureel geweld tussen broers en zussen (siblinggeweld) is iets anders.",
                "body": [
                    p(
                        "We spreken van siblinggeweld als één kind het andere herhaaldelijk pijn doet, bedreigt of vernedert, en er een duidelijke machtsverhouding is. Het wordt vaak onderschat, terwijl de gevolgen groot kunnen zijn.",
                    )
                ],
            },
        ),
        (
            "oudermishandeling",
            {
                "title": "Oudermishandeling",
                "intro": "Geweld van kinderen, jong of volwassen, tegen hun ouders.",
                "body": [
                    p(
                        "Ouders die door hun kind geslagen, bedreigd of financieel uitgebuit worden, schamen zich vaak en zoeken laat hulp. Ook hier geldt: praten helpt, en hulpverleners kunnen samen zoeken naar een veilige oplossing.",
                    )
                ],
            },
        ),
        (
            "partnergeweld",
            {
                "title": "Partnergeweld",
                "intro": "Geweld tussen partners of ex-partners: fysiek, psychisch, seksueel of economisch.",
                "body": [
                    p(
                        "Partnergeweld begint vaak sluipend: controle over wie je ziet, wat je uitgeeft, waar je bent. Het kan uitgroeien tot bedreiging en fysiek geweld, ook na een scheiding. Kinderen die partnergeweld meemaken, zijn zelf ook slachtoffer.",
                    ),
                    HELP_CALLOUT,
                ],
            },
        ),
        (
            "ouderenmisbehandeling",
            {
                "title": "Ouderenmis(be)handeling",
                "intro": "Geweld, verwaarlozing of uitbuiting van een oudere door een familielid of iemand uit de naaste omgeving.",
                "body": [
                    p(
                        "Bij ouderen gaat het vaak om verwaarlozing, psychische druk of financiële uitbuiting, soms door een mantelzorger die zelf overbelast is. Het woord mis(be)handeling drukt uit dat het zowel om mishandelen als om slecht behandelen gaat.",
                    )
                ],
            },
        ),
    ],
}

ABOUT: dict[str, Any] = {
    "title": "Over Veilig Huis",
    "intro": (
        "Veilig Huis brengt de diensten samen die een rol spelen in de aanpak van geweld in gezinnen, "
        "zodat ze als één team rond een gezin werken."
    ),
    "body": [
        h("Wat Veilig Huis wil bereiken"),
        ul(
            "Het geweld in het gezin doen stoppen.",
            "De beschermende factoren in het gezin versterken.",
        ),
        h("Sinds 25 november 2023 in heel Vlaanderen"),
        p(
            "Veilig Huis opende op 25 november 2023 in alle Vlaamse provincies. De werking groeit stap voor stap. "
            "De vier Family Justice Centers in Antwerpen, Geel, Mechelen en Hasselt kregen toen de naam Veilig "
            "Huis; in Leuven, Halle, Gent, Kortrijk en Oostende kwamen er nieuwe centra bij.",
            "Een Veilig Huis is een regionaal netwerk: een team van professionals uit verschillende sectoren, "
            "geleid door een coördinator, dat nauw samenwerkt met politie en parket.",
        ),
        callout(
            "Alleen na aanmelding door een professional",
            'Veilig Huis werkt op aanmelding door professionele diensten. Gezinnen kunnen zich op dit moment nog niet zelf aanmelden. Zoekt u zelf hulp? Kijk bij <a href="/hulp-nodig/">Hulp nodig?</a>',
            "warning",
        ),
        h("Drie basisopdrachten"),
        ol(
            "Samenwerking tussen sectoren stimuleren, coördineren en ondersteunen, voor een integrale en geïntegreerde aanpak van intrafamiliaal geweld.",
            "Een aanbod op maat van het gezin, met trajecten over sectoren heen voor gezinnen met ernstige en vaak complexe problemen.",
            "De deskundigheid versterken van professionals die in hun werk met intrafamiliaal geweld te maken krijgen.",
        ),
    ],
}

CHAIN_APPROACH: dict[str, Any] = {
    "title": "Ketenaanpak intrafamiliaal geweld",
    "intro": "In Oost-Vlaanderen werken negen diensten sinds december 2017 samen in de Ketenaanpak IFG. Die aanpak is een belangrijk onderdeel van Veilig Huis gebleven.",
    "show_in_menus": True,
    "body": [
        h("Wanneer een gezin in aanmerking komt"),
        p("Een professional kan een gezin aanmelden als aan deze drie voorwaarden voldaan is:"),
        ol(
            "De situatie is erg complex en vraagt een afgestemde aanpak van welzijn en gezondheid samen met politie en justitie.",
            "Er zijn problemen op verschillende levensdomeinen, zoals wonen, werk, gezondheid en opvoeding.",
            "De hulpverlening loopt vast of biedt geen perspectief meer, of gerechtelijke of bestuurlijke maatregelen komen moeilijk op gang.",
        ),
        h("Triagetafel en expertentafel"),
        p(
            "Aan de triagetafel (CAW, politie en parket) wordt elke week beslist welke gezinnen extra hulp krijgen. "
            "Aan de expertentafel (hulpverlening, politie, parket en justitiehuis) krijgen casusregisseurs om de "
            "twee weken advies over hoe ze verder kunnen met een gezin, of wanneer ze kunnen afronden."
        ),
    ],
}

CASE_DIRECTION: dict[str, Any] = {
    "title": "Intensieve casusregie",
    "intro": "Bij de meest complexe gezinnen stuurt een casusregisseur de samenwerking tussen alle betrokken diensten en het gezin.",
    "show_in_menus": True,
    "body": [
        h("De rol van de casusregisseur"),
        ul(
            "aanspreekpunt voor het gezin, de betrokken hulpverlening, de politie en het parket;",
            "houdt het overzicht over alle lopende trajecten en wat er in het gezin gebeurt;",
            "volgt het plan van aanpak en de afgesproken doelen op.",
        ),
        h("Drie fasen"),
        h("1. Exploratie: kennismaken", "h3"),
        p(
            "De casusregisseur legt uit wat zijn of haar rol is en leert het gezin en de betrokken diensten kennen. "
            "Op het tempo van het gezin groeit een samenwerkings- en vertrouwensrelatie. Samen brengen ze alle "
            "levensdomeinen in kaart: de krachten, de zorgen, de bezorgdheden en de wensen. Daaruit volgt, "
            "samen met het gezin en de diensten, een plan van aanpak."
        ),
        h("2. Uitvoering: het plan in kleine stappen", "h3"),
        p(
            "Het plan van aanpak wordt eerst voorgelegd in het regieteam. Daarna maakt de casusregisseur mogelijk "
            "dat het stap voor stap wordt uitgevoerd: met actieve, warme doorverwijzingen, duidelijke afspraken "
            "over wie wat doet, cliënt- en casusoverleg, afstemming met hulpverlening, politie en parket, en "
            "opvolgen, evalueren en bijsturen waar nodig."
        ),
        h("3. Afronding", "h3"),
        p("De casusregie rondt af als aan deze criteria voldaan is:"),
        ul(
            "Er is geen nieuw intrafamiliaal geweld.",
            "Er is vooruitgang geboekt.",
            "De hulpverlening loopt.",
            "Iedereen kent elkaar.",
            "Het gezin weet bij wie het voor wat terechtkan.",
        ),
        p(
            "Zijn er geen nieuwe incidenten, dan wordt het dossier afgesloten. Komen er nieuwe incidenten of "
            "ernstige zorgen, dan kan het dossier opnieuw geopend worden."
        ),
    ],
}

CASE_STORY: dict[str, Any] = {
    "title": "Een voorbeeld uit de praktijk",
    "intro": "Hoe casusregie een gezin met partnergeweld en veel andere zorgen verder hielp. Het verhaal is geanonimiseerd; details zijn veranderd.",
    "body": [
        p(
            "In de zomer van 2022 meldde een CLB een gezin aan. Er was fysiek, verbaal en emotioneel geweld tussen "
            "de ouders, de politie was al verschillende keren tussengekomen en de kinderen waren getuige. Daarnaast "
            "waren er financiële stress, middelengebruik en zorgen over de opvoeding. Bij de start waren de sociale "
            "dienst van de jeugdrechtbank en de sociale cel van de politie betrokken.",
        ),
        h("Wat er gebeurde"),
        p(
            "De casusregisseur begon met kennismakingsgesprekken en bracht iedereen samen in een eerste "
            "netwerkoverleg. Daarna ging het snel: de woning werd een aandachtspunt voor de politie, het CAW "
            "startte een crisisbegeleiding van 28 dagen, de kinderen werden aangemeld bij een observatie- en "
            "oriëntatiecentrum en de moeder vond de weg naar het onthaal van het CAW. Na een nieuwe "
            "politietussenkomst besliste het parket dat de vader tijdelijk de woning moest verlaten.",
            "In een tweede netwerkoverleg werd afgesproken wie wat deed. Rond het gezin werkten uiteindelijk "
            "meer dan tien diensten samen, van jeugdhulp en het OCMW tot de school, de woonmaatschappij en "
            "schuldhulpverlening.",
        ),
        h("Afronding"),
        p(
            "In het derde en laatste netwerkoverleg stond het partnergeweld niet langer op de voorgrond: de "
            "ouders waren uit elkaar. Er bleven zorgen over het opvoedingsklimaat en over onveiligheid tussen de "
            "kinderen. De jeugdrechtbank bleef het gezin opvolgen en er werd een gespecialiseerd jeugdhulptraject "
            "gestart. Toen dat traject in december 2024 liep, rondde Veilig Huis de casusregie af."
        ),
        (
            "quote",
            {
                "quote": "Iedereen weet nu van elkaar wat hij doet, en het gezin weet bij wie het terechtkan.",
                "attribution": "casusregisseur (fictief citaat)",
            },
        ),
    ],
}

PARTNER_DATA = [
    (
        "kind-en-gezin",
        "Kind en Gezin",
        "K&G",
        "welfare",
        "Ondersteunt gezinnen met jonge kinderen en ziet zorgen over veiligheid vaak als eerste.",
    ),
    (
        "vertrouwenscentrum-kindermishandeling",
        "Vertrouwenscentrum Kindermishandeling",
        "VK",
        "welfare",
        "Behandelt vermoedens van kindermishandeling en zoekt samen met het gezin naar veiligheid.",
    ),
    (
        "ocj-sdj",
        "Ondersteuningscentrum Jeugdzorg / Sociale Dienst Jeugdrechtbank",
        "OCJ/SDJ",
        "welfare",
        "Begeleidt verontrustende opvoedingssituaties, vrijwillig (OCJ) of op vraag van de jeugdrechter (SDJ).",
    ),
    (
        "ocmw",
        "Openbaar Centrum voor Maatschappelijk Welzijn",
        "OCMW",
        "local",
        "Biedt lokaal maatschappelijke hulp: inkomen, huisvesting, schuldhulp.",
    ),
    (
        "caw",
        "Centrum Algemeen Welzijnswerk",
        "CAW",
        "welfare",
        "Onthaal, begeleiding en crisishulp bij relatie- en gezinsproblemen en geweld.",
    ),
    (
        "cgg",
        "Centrum Geestelijke Gezondheidszorg",
        "CGG",
        "health",
        "Ambulante hulp bij psychische problemen, voor daders en slachtoffers.",
    ),
    (
        "politie",
        "Politie",
        "",
        "police",
        "Grijpt in bij geweld, beschermt slachtoffers en stelt processen-verbaal op.",
    ),
    (
        "parket",
        "Parket",
        "",
        "justice",
        "Het openbaar ministerie: beslist over vervolging en beschermende maatregelen.",
    ),
    (
        "justitiehuizen",
        "Justitiehuizen",
        "",
        "justice",
        "Begeleiden en controleren opgelegde voorwaarden en straffen, en ondersteunen slachtoffers.",
    ),
]

PARTNERS: dict[str, Any] = {
    "index": {
        "title": "Partnerdiensten",
        "intro": "De Ketenaanpak intrafamiliaal geweld is een samenwerkingsverband van negen diensten. Elk brengt eigen deskundigheid en bevoegdheden mee.",
    },
    "pages": [
        (
            slug,
            {
                "title": title,
                "abbreviation": abbreviation,
                "sector": sector,
                "intro": intro,
                "body": [
                    p(
                        f"{title} is een van de negen partners in de Ketenaanpak intrafamiliaal geweld. In een traject van Veilig Huis stemt de dienst zijn aanbod af met de andere partners, zodat het gezin niet van loket naar loket moet."
                    )
                ],
            },
        )
        for slug, title, abbreviation, sector, intro in PARTNER_DATA
    ],
}

CENTRE_DATA = [
    (
        "limburg",
        "Limburg",
        "Hasselt",
        "Een van de vier centra die tot november 2023 Family Justice Center heetten.",
    ),
    (
        "kempen",
        "Kempen",
        "Geel",
        "Een van de vier centra die tot november 2023 Family Justice Center heetten.",
    ),
    (
        "antwerpen",
        "Antwerpen",
        "Antwerpen",
        "Een van de vier centra die tot november 2023 Family Justice Center heetten.",
    ),
    (
        "mechelen",
        "Mechelen",
        "Mechelen",
        "Een van de vier centra die tot november 2023 Family Justice Center heetten.",
    ),
    ("leuven", "Leuven", "Leuven", "Geopend op 25 november 2023."),
    ("halle-vilvoorde", "Halle-Vilvoorde", "Halle", "Geopend op 25 november 2023."),
    (
        "oost-vlaanderen",
        "Oost-Vlaanderen",
        "Gent",
        "Bouwt verder op de Ketenaanpak IFG, die hier sinds december 2017 bestaat.",
    ),
    ("noord-west-vlaanderen", "Noord-West-Vlaanderen", "Oostende", "Geopend op 25 november 2023."),
    ("zuid-west-vlaanderen", "Zuid-West-Vlaanderen", "Kortrijk", "Geopend op 25 november 2023."),
]

CENTRES: dict[str, Any] = {
    "index": {
        "title": "De negen centra",
        "intro": "Er is een Veilig Huis in elke regio van Vlaanderen, minstens één per gerechtelijk arrondissement.",
    },
    "pages": [
        (
            slug,
            {
                "title": f"Veilig Huis {region}",
                "region": region,
                "city": city,
                "intro": intro,
                "email": MAILBOX if slug == "oost-vlaanderen" else "",
                "address": "p/a VAC Gent, 11de verdieping" if slug == "oost-vlaanderen" else "",
                "body": [
                    p(
                        f"Veilig Huis {region} heeft zijn vestiging in {city}. Professionals uit de regio kunnen er terecht met een consultvraag of een aanmelding. Gezinnen kunnen zich nog niet zelf aanmelden: een hulpverlener, de politie of het parket doet dat."
                    )
                ],
            },
        )
        for slug, region, city, intro in CENTRE_DATA
    ],
}

HELP: dict[str, Any] = {
    "title": "Hulp nodig?",
    "intro": "Bent u zelf slachtoffer, of maakt u zich zorgen over iemand? U staat er niet alleen voor.",
    "body": [
        p(
            "Een hulpverlener, huisarts of leerkracht die u vertrouwt, kan samen met u hulp zoeken en zo nodig Veilig Huis inschakelen."
        ),
        callout(
            "Veilig surfen",
            "Deelt u een computer of telefoon? Lees hoe u deze website kunt bezoeken zonder sporen na te laten, en gebruik de knop 'Snel weg' bovenaan elke pagina.",
            "info",
        ),
    ],
}

BROWSE_SAFELY: dict[str, Any] = {
    "title": "Veilig surfen",
    "intro": "Zo bezoekt u deze website zonder dat iemand anders het ziet.",
    "body": [
        h("Snel weg"),
        p(
            "Bovenaan elke pagina staat de knop 'Snel weg'. Tikt of klikt u erop, of drukt u drie keer kort na elkaar op Shift of twee keer op Escape, dan meldt deze website u af, wist ze wat ze in uw browser bewaarde en opent meteen een neutrale website. Met de knop 'Terug' komt u niet op deze pagina terug. Zet op deze pagina 'Houd dit bezoek uit de geschiedenis' aan, dan brengt 'Terug' u ook niet op een andere pagina van deze website. Uw browsergeschiedenis kan deze website nog wel bevatten."
        ),
        h("Een privévenster gebruiken"),
        p(
            "In een privévenster (incognito) bewaart uw browser geen geschiedenis en geen cookies. Open een privévenster met Ctrl+Shift+N (Chrome, Edge) of Ctrl+Shift+P (Firefox); op een Mac gebruikt u Cmd in plaats van Ctrl. Op een smartphone vindt u het in het menu van de browser."
        ),
        h("Uw geschiedenis wissen"),
        p(
            "Hebt u geen privévenster gebruikt? Verwijder deze website dan uit uw geschiedenis, via het menu van uw browser (meestal onder 'Geschiedenis' of Ctrl+H). Wis alleen de pagina's van deze website: een volledig lege geschiedenis kan ook opvallen."
        ),
        h("Gedeelde toestellen"),
        ul(
            "Gebruik als het kan een toestel waar de andere persoon niet aan kan, bijvoorbeeld op het werk, bij een vriend of in de bibliotheek.",
            "Meld u af en sluit de browser als u klaar bent.",
            "Let op gesynchroniseerde accounts: wat u op de ene telefoon of computer bekijkt, kan op een ander toestel zichtbaar zijn.",
        ),
    ],
}

CONSULT: dict[str, Any] = {
    "title": "Consultvraag voor professionals",
    "intro": "Komt u in uw werk in aanraking met intrafamiliaal geweld en wilt u afstemmen hoe u ermee omgaat? Of denkt u aan een aanmelding bij Veilig Huis? Stel uw vraag aan een coördinator.",
    "thank_you_text": "Bedankt. Een coördinator van Veilig Huis neemt binnen twee werkdagen contact met u op. U krijgt een ontvangstbevestiging per e-mail, zonder de inhoud van uw vraag. Is er acuut gevaar? Bel 112 of de politie op 101.",
    "body": [
        p(
            "Kies hieronder de regio van het gezin of van uw dienst: u ziet dan hoe u dat centrum bereikt. U kunt de coördinatoren ook vragen om u te bellen."
        ),
        callout(
            "Geen namen van gezinsleden",
            "Beschrijf de situatie zonder namen, adressen of geboortedata. Die zijn voor een eerste advies niet nodig.",
            "warning",
        ),
    ],
}

NEWS: dict[str, Any] = {
    "index": {
        "title": "Nieuws",
        "intro": "Nieuws over Veilig Huis en de aanpak van intrafamiliaal geweld.",
    },
    "pages": [
        (
            "veilig-huis-opent-in-alle-provincies",
            {
                "title": "Veilig Huis opent in alle Vlaamse provincies",
                "date": dt.date(2023, 11, 25),
                "intro": "Op 25 november 2023, de internationale dag tegen geweld op vrouwen, opende Veilig Huis in heel Vlaanderen.",
                "body": [
                    p(
                        "Vier bestaande Family Justice Centers werden Veilig Huis, en vijf nieuwe centra gingen open. Samen zijn het er negen. Hun werking breidt stap voor stap uit."
                    )
                ],
            },
        ),
        (
            "nieuwe-lotgenotensessies",
            {
                "title": "Nieuwe lotgenotensessies in het najaar",
                "date": dt.date(2025, 6, 1),
                "intro": "In het najaar van 2025 organiseert Veilig Huis Oost-Vlaanderen nieuwe sessies voor lotgenoten.",
                "body": [
                    p(
                        'In een lotgenotensessie ontmoet u mensen die iets gelijkaardigs hebben meegemaakt, onder begeleiding van een hulpverlener. De data staan in de <a href="/agenda/">agenda</a>.'
                    )
                ],
            },
        ),
    ],
}

EVENTS: dict[str, Any] = {
    "index": {
        "title": "Agenda",
        "intro": "Lotgenotensessies, infosessies en vormingen van Veilig Huis. Waar u zich kunt inschrijven, staat de link bij de activiteit.",
    },
    "pages": [
        (
            "lotgenotensessie-gent",
            {
                "title": "Lotgenotensessie: verder na partnergeweld",
                "kind": "peer_support",
                "in_days": 21,
                "hour": 19,
                "location": "Gent",
                "audience": "Volwassenen die partnergeweld hebben meegemaakt",
                "intro": "Een veilige groep om ervaringen te delen, onder begeleiding van twee hulpverleners.",
                "body": [
                    p(
                        "Deelnemen is gratis en vertrouwelijk. U hoeft niets te vertellen wat u niet wilt."
                    )
                ],
            },
        ),
        (
            "infosessie-professionals",
            {
                "title": "Infosessie: hoe werkt Veilig Huis?",
                "kind": "information",
                "in_days": 35,
                "hour": 13,
                "location": "Online",
                "audience": "Professionals uit welzijn, gezondheid, onderwijs, politie en justitie",
                "intro": "Wat doet Veilig Huis, wanneer meldt u een gezin aan en hoe verloopt een consultvraag?",
                "body": [
                    p("Na afloop kunt u vragen stellen aan een coördinator en een casusregisseur.")
                ],
            },
        ),
    ],
}

# The accessibility statement: content/demo_accessibility.py.

HELP_EN: dict[str, Any] = {
    "title": "Need help?",
    "intro": "Are you experiencing violence yourself, or are you worried about someone? You are not alone.",
    "body": [
        p(
            "A social worker, doctor or teacher you trust can look for help with you and, where needed, involve Veilig Huis. The pages about the centres are in Dutch."
        ),
        callout(
            "Browse safely",
            "Do you share a computer or phone? Read how to visit this website without leaving traces, and use the 'Quick exit' button at the top of every page.",
            "info",
        ),
    ],
}

BROWSE_SAFELY_EN: dict[str, Any] = {
    "title": "Browse safely",
    "intro": "How to visit this website without anyone else seeing it.",
    "body": [
        h("Quick exit"),
        p(
            "At the top of every page there is a 'Quick exit' button. Press it, or press the Shift key three times in a row, and a neutral website opens at once. Your browser history still contains this website."
        ),
        h("Use a private window"),
        p(
            "In a private (incognito) window your browser keeps no history and no cookies. Open one with Ctrl+Shift+N (Chrome, Edge) or Ctrl+Shift+P (Firefox); on a Mac use Cmd instead of Ctrl. On a smartphone you find it in the browser's menu."
        ),
        h("Clear your history"),
        p(
            "Did you not use a private window? Then remove this website from your history through your browser's menu (usually under 'History' or Ctrl+H). Remove only the pages of this website: a completely empty history can also be noticed."
        ),
        h("Shared devices"),
        ul(
            "If you can, use a device the other person cannot reach, for example at work, at a friend's or in the library.",
            "Sign out and close the browser when you are done.",
            "Watch out for synchronised accounts: what you look at on one phone or computer may be visible on another device.",
        ),
    ],
}

CONSULT_EN: dict[str, Any] = {
    "title": "Consultation for professionals",
    "intro": "Do you come across intrafamilial violence in your work and would you like to agree on how to deal with it? Or are you thinking of referring a family to Veilig Huis? Ask a coordinator.",
    "thank_you_text": "Thank you. A coordinator of Veilig Huis will contact you within two working days. You will receive an acknowledgement by e-mail, without the content of your question. Is there immediate danger? Call 112 or the police on 101.",
    "body": [
        p(
            "Choose the region of the family or of your service below to see how to reach that centre. You can also ask the coordinators to call you."
        ),
        callout(
            "No names of family members",
            "Describe the situation without names, addresses or dates of birth. They are not needed for a first piece of advice.",
            "warning",
        ),
    ],
}

HOME_EN: dict[str, Any] = {
    "title": "Veilig Huis",
    "intro": "Violence within a family rarely stops by itself. Veilig Huis (Safe House) brings together social services, police and justice to stop the violence and make families stronger.",
    "body": [
        p(
            "Part of this website is in English: what intrafamilial violence is, where to find help, how to browse safely, and how professionals can ask Veilig Huis for advice. In danger? Call 112, or the police on 101. To talk, anonymously and free of charge, call 1712."
        ),
        (
            "key_figures",
            {
                "heading": "Intrafamilial violence in figures",
                "figures": [
                    {
                        "figure": "27,000",
                        "label": "police reports of intrafamilial violence in Flanders in 2022",
                        "source": "Police figures 2022",
                    },
                    {
                        "figure": "1 in 4",
                        "label": "people experience intrafamilial violence at some point",
                        "source": "",
                    },
                    {
                        "figure": "35",
                        "label": "incidents, on average, before a victim seeks help",
                        "source": "",
                    },
                ],
            },
        ),
    ],
}

IFG_EN: dict[str, Any] = {
    "title": "What is intrafamilial violence?",
    "intro": "Intrafamilial violence is any form of physical, psychological, sexual or economic violence between two or more members of a family.",
    "body": [
        p(
            "Violence means behaviour that harms someone and may be a criminal offence: something a person does, or fails to do. 'Family' is about the relationship between people rather than blood ties; ex-partners and step-parents count too.",
            "It can be active or passive, incidental or chronic, one-sided or mutual. We distinguish five forms: child abuse, violence between siblings, abuse of parents, partner violence and elder abuse.",
        ),
        h("A large and persistent problem"),
        p(
            "In 2022 the police in Flanders recorded about 27,000 reports of intrafamilial violence, and much more is never reported. About one in four people will face it at some point; on average a victim seeks help only after 35 incidents. No single service can solve it alone: it takes cooperation across sectors and an approach that sees the whole family."
        ),
    ],
}
