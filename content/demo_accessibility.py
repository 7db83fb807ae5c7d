"""The demo accessibility statement (issue 16, item 7), after the Flemish government's model:
date, compliance status, known limitations, how it was assessed, contact and the complaints
route to the Vlaamse Ombudsdienst. Kept apart from ``demo_texts`` so it can be reviewed alone."""

from __future__ import annotations

from typing import Any

from .demo_texts import MAILBOX, h, p, ul

STATEMENT_DATE = "2 december 2026"

ACCESSIBILITY: dict[str, Any] = {
    "title": "Toegankelijkheidsverklaring",
    "intro": "Veilig Huis wil dat iedereen deze website kan gebruiken, ook met een beperking.",
    "body": [
        p(
            "Deze verklaring geldt voor de website van Veilig Huis, het vormingsaanbod en het aanmelden. Ze is opgesteld volgens het decreet van 7 december 2018 betreffende de toegankelijkheid van websites en mobiele applicaties van overheidsinstanties."
        ),
        h("Nalevingsstatus"),
        p(
            "Deze website is <strong>gedeeltelijk conform</strong> met de Web Content Accessibility Guidelines (WCAG) 2.2, niveau AA, zoals de Europese norm EN 301 549 vraagt. Gedeeltelijk, omdat de inhoud hieronder onder 'Bekende beperkingen' nog niet volledig voldoet."
        ),
        h("Bekende beperkingen"),
        ul(
            "De attesten die u als pdf downloadt, zijn niet volledig getagd voor schermlezers. De gegevens op het attest staan ook als tekst op de certificaatpagina en op de openbare controlepagina.",
            "Video's en documenten die redacteurs toevoegen, krijgen niet altijd meteen ondertitels of een toegankelijke versie. Vraag een toegankelijke versie via het adres hieronder.",
            "De sneltoetsen van 'Snel weg' (3 keer Shift, 2 keer Escape) kunnen botsen met sneltoetsen van sommige hulpsoftware. De knop 'Snel weg' zelf werkt altijd.",
            "Het gedeelte voor professionals (samenwerking en gedeelde verslagen) en het beheergedeelte zijn nog niet door ervaringsdeskundigen getest.",
        ),
        h("Hoe we dit hebben beoordeeld"),
        ul(
            "Elke paginasoort wordt bij elke wijziging automatisch getest met axe in een browser, op 1280 en op 320 pixels breed, en zonder horizontaal scrollen op 320 pixels.",
            "Menu, formulieren en de knop 'Snel weg' zijn getest met alleen een toetsenbord, en het menu ook zonder JavaScript.",
            "Geautomatiseerde tests vinden niet alle problemen. Een volledige evaluatie door ervaringsdeskundigen is gepland.",
        ),
        p(
            f"Deze verklaring is opgesteld op {STATEMENT_DATE}, op basis van een zelfevaluatie. Ze is het laatst herzien op {STATEMENT_DATE}."
        ),
        h("Feedback en contact"),
        p(
            f'Loopt u tegen een probleem aan, of hebt u informatie nodig in een andere vorm? Mail naar <a href="mailto:{MAILBOX}">{MAILBOX}</a>. We antwoorden binnen vijf werkdagen.'
        ),
        h("Klachten"),
        p(
            'Bent u niet tevreden met ons antwoord, of krijgt u binnen vijf werkdagen geen antwoord? Dan kunt u een klacht indienen bij de Vlaamse Ombudsdienst: via het klachtenformulier op <a href="https://www.vlaamseombudsdienst.be">www.vlaamseombudsdienst.be</a>, gratis op het nummer 0800 240 50, of per brief aan de Vlaamse Ombudsdienst, Leuvenseweg 86, 1000 Brussel.'
        ),
    ],
}
