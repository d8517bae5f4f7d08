"""The orientation card before the committee's acceptance: a sheet plainly marked
provisional (issue 12). The card sends a woman to a place; until the committee accepted
her, what is printed must not be mistaken for it. The template's `provisional` texts
replace its heading and its notice; a template without them gets a plain default."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_DEFAULT = {
    "heading": {
        "ar": "ورقة مؤقتة: ليست بطاقة توجيه",
        "fr": "Feuille provisoire : pas une carte d'orientation",
        "zgh": "ⵜⴰⵙⵏⴰ ⵜⴰⵣⵎⵣⴰⵏⵜ: ⵓⵔ ⵜⴳⵉ ⵜⴰⴽⴰⵔⴹⴰ ⵏ ⵓⵙⵡⴰⵍⴰ",  # as the template (review)
    },
    "notice": {
        "ar": "لم تقبل اللجنة الإقليمية هذا الملف بعد: هذه الورقة لا توجه المستفيدة إلى أي جهة.",
        "fr": "Le comité provincial n'a pas encore accepté ce dossier : cette feuille "
        "n'oriente la bénéficiaire nulle part.",
        "zgh": "ⴰⵙⵇⵇⵉⵎ ⵏ ⵜⵙⴳⴰ ⵓⵔ ⵢⴰⵇⴱⵉⵍ ⵖⵉⵍⴰ ⴰⴼⴰⵢⵍⵓ ⴰ: ⵜⴰⵙⵏⴰ ⴰ ⵓⵔ ⵜⵙⵡⴰⵍⴰ ⵜⴰⵎⵙⴼⴰⵢⴷⵜ "
        "ⵖⵔ ⵓⵍⴰ ⵎⴰⵏⵉ.",
    },
}


def provisional_template(template: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `template` whose heading and notice say the sheet is provisional."""
    texts = template.get("provisional") or _DEFAULT
    return {**template, "heading": texts["heading"], "notice": texts["notice"]}
