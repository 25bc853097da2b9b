"""EN/FR strings and locale formatting for briefs and reports."""

from __future__ import annotations

import datetime as _dt

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Briefing: coordinated comments aimed at you",
        "subject": "Coordinated inauthentic comments targeting {name}",
        "intro": "Dear {name}, cibwatch found a coordinated network of accounts posting comments aimed at you.",
        "what": "What we found",
        "since": "Since",
        "until": "Until",
        "messages": "Messages",
        "accounts": "Accounts",
        "examples": "Example messages",
        "level": "Threat level",
        "how": "How the threat was assessed",
        "checked": "Checks made",
        "on_n": "on {n} messages",
        "actions": "What you can do",
        "a1": "Protect your accounts: turn on two-factor authentication and review who has admin access to your pages.",
        "a2": "Report the accounts to the platform; a referral package is available from your security contact.",
        "a3": "Keep records: do not delete the comments before they have been archived.",
        "a4": "If a message threatens your safety, contact your local police and your parliamentary security office.",
        "none": "none",
        "safety": "safety",
        "harassment": "harassment",
        "nuisance": "nuisance",
        "reasons": "Reasons",
        "finding": "This is a finding of coordinated behaviour, not an attribution to any state or actor.",
    },
    "fr": {
        "title": "Note d’information : commentaires coordonnés vous visant",
        "subject": "Commentaires inauthentiques coordonnés visant {name}",
        "intro": "Madame, Monsieur {name}, cibwatch a détecté un réseau coordonné de comptes publiant des commentaires qui vous visent.",
        "what": "Constat",
        "since": "Depuis le",
        "until": "Jusqu’au",
        "messages": "Messages",
        "accounts": "Comptes",
        "examples": "Exemples de messages",
        "level": "Niveau de menace",
        "how": "Méthode d’évaluation de la menace",
        "checked": "Vérifications effectuées",
        "on_n": "sur {n} messages",
        "actions": "Ce que vous pouvez faire",
        "a1": "Protégez vos comptes : activez l’authentification à deux facteurs et vérifiez qui administre vos pages.",
        "a2": "Signalez les comptes à la plateforme ; un dossier de signalement est disponible auprès de votre responsable de la sécurité.",
        "a3": "Conservez les preuves : ne supprimez pas les commentaires avant leur archivage.",
        "a4": "Si un message menace votre sécurité, communiquez avec la police locale et le bureau de sécurité parlementaire.",
        "none": "aucune",
        "safety": "sécurité",
        "harassment": "harcèlement",
        "nuisance": "nuisance",
        "reasons": "Motifs",
        "finding": "Il s’agit d’un constat de comportement coordonné, et non d’une attribution à un État ou à un acteur.",
    },
}

_MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def t(lang: str) -> dict[str, str]:
    return STRINGS[lang]


def fmt_date(d: _dt.date | _dt.datetime | None, lang: str) -> str:
    if d is None:
        return "—"
    if lang == "fr":
        return f"{'1er' if d.day == 1 else d.day} {_MONTHS_FR[d.month - 1]} {d.year}"
    return d.strftime("%B %-d, %Y")


def fmt_int(n: int | float | None, lang: str) -> str:
    s = f"{int(n or 0):,}"
    return s.replace(",", "\u202f") if lang == "fr" else s
