"""Place names in Tamazight (issue 13): the Tifinagh name where a cited public form exists
(`resources/reference/names_zgh.csv`), else the HCP French name, never a transliteration
of ours; the same choice in the form's pickers, the filters and on the cards."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

from jisr_desktop import paths
from jisr_desktop.cards.build import residence
from jisr_desktop.models.programme.definitions import load_directory
from jisr_desktop.models.programme.form import from_definition
from jisr_desktop.models.programme.reference import FILES, ZGH_NAMES, load_reference
from jisr_desktop.ui.form_widgets import ReferenceWidget
from jisr_desktop.ui.unlock_dialog import province_rows

TIFINAGH_NAME = re.compile(r"^[\u2D30-\u2D7F][\u2D30-\u2D7F \-']*$")
MARRAKECH = {"region": "07", "province": "07.351", "commune": "07.351.01.01"}
TANGER = {"region": "01", "province": "01.511", "commune": "01.511.01.01"}


def rows() -> list[dict[str, str]]:
    with (paths.reference_dir() / ZGH_NAMES).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_tifinagh_place_name_is_tifinagh_names_a_known_place_and_cites_a_source():
    ref = load_reference()
    tables = {"region": ref.regions, "province": ref.provinces, "commune": ref.communes}
    assert rows(), "names_zgh.csv is empty"
    for row in rows():
        assert row["code"] in tables[row["kind"]], row
        assert TIFINAGH_NAME.match(row["name_zgh"]), row
        assert row["source"].strip(), f"{row['code']}: no source cited"


def test_tamazight_shows_the_tifinagh_name_where_known_else_the_french_one():
    ref = load_reference()
    assert ref.name("region", "07", "zgh") == "ⵎⵕⵕⴰⴽⵛ-ⴰⵙⴼⵉ"
    assert ref.name("region", "07", "fr") == "Marrakech-Safi"
    assert ref.name("region", "07", "ar") == "مراكش-آسفي"
    # No cited Tifinagh name for Tanger-Tétouan-Al Hoceima: the HCP French name.
    assert ref.name("region", "01", "zgh") == ref.name("region", "01", "fr")
    assert ref.name("commune", "01.511.01.01", "zgh") == ref.name("commune", "01.511.01.01", "fr")


def test_lists_downloaded_from_the_server_keep_the_shipped_tifinagh_names(tmp_path: Path):
    for name in FILES:  # what the sync client installs: the three HCP lists only
        shutil.copy(paths.reference_dir() / name, tmp_path / name)
    downloaded = load_reference(tmp_path)
    assert downloaded.name("province", "07.351", "zgh") == "ⵎⵕⵕⴰⴽⵛ"
    # ...and the Tifinagh names are not part of the published lists' hash.
    assert downloaded.content_hash == load_reference().content_hash


def test_the_cards_residence_line_in_tamazight():
    ref = load_reference()
    here = residence(MARRAKECH, ref)
    commune_fr = ref.name("commune", MARRAKECH["commune"], "fr")
    assert here["zgh"] == f"{commune_fr}, ⵎⵕⵕⴰⴽⵛ"
    assert here["fr"] == f"{commune_fr}, Marrakech"
    there = residence(TANGER, ref)
    assert there["zgh"] == there["fr"]


def test_pickers_and_filters_name_places_in_tamazight(qapp):
    ref = load_reference()
    assert ("ⵎⵕⵕⴰⴽⵛ", "07.351") in province_rows(ref, "zgh")
    assert ("Marrakech", "07.351") in province_rows(ref, "fr")
    form = from_definition(load_directory().form)
    widget = ReferenceWidget(form.field("region"), ref)
    widget.retranslate("zgh")
    offered = [widget.combo.itemText(i) for i in range(widget.combo.count())]
    assert "ⵎⵕⵕⴰⴽⵛ-ⴰⵙⴼⵉ" in offered
    assert ref.name("region", "01", "fr") in offered
