"""The proportions of the synthetic registrations: the first wave's published figures
(DOMAIN.md, "Scale") where there are some, a plausible guess, said so, elsewhere."""

from __future__ import annotations

# First-wave registrations per region (DOMAIN.md), by HCP region code.
# Laâyoune-Sakia El Hamra (11) was not in the first wave; it gets about 1% (647, a
# hundredth of the 64,677) so that demo data still shows the twelfth region. Marrakech-Safi
# is then 32.5% of the rows instead of the published 32.8%.
REGION_WEIGHTS: dict[str, int] = {
    "07": 21_218,  # Marrakech-Safi
    "12": 12_000,  # Dakhla-Oued Ed-Dahab
    "06": 6_490,  # Casablanca-Settat
    "03": 4_119,  # Fès-Meknès
    "09": 3_771,  # Souss-Massa
    "01": 3_726,  # Tanger-Tétouan-Al Hoceïma
    "02": 3_142,  # Oriental
    "04": 3_136,  # Rabat-Salé-Kénitra
    "05": 2_493,  # Béni Mellal-Khénifra
    "10": 2_468,  # Guelmim-Oued Noun
    "08": 2_114,  # Drâa-Tafilalet
    "11": 647,  # Laâyoune-Sakia El Hamra: not in the first wave, ~1%
}

CONSENT_YES = 0.98
PHONE_ABSENT = 0.10
MINOR_SHARE = 0.01  # aged 16 or 17: valid registrations the grid must find not eligible
DISABILITY = 0.04
DESCRIPTION_GIVEN = 0.9
YOUNG_BELOW = 30  # age bands for the draws that depend on age

# Social status: published shares overall; by age band the young are seldom widowed and
# more often single, and the older band's shares are derived so the totals hold.
SOCIAL_STATUS_TOTAL = {"single": 0.34, "married": 0.46, "divorced": 0.09, "widowed": 0.11}
SOCIAL_STATUS_YOUNG = {"single": 0.55, "married": 0.36, "divorced": 0.06, "widowed": 0.03}

# Head of household: 64% overall. Widows and divorced women mostly head their household;
# the share among married women is derived so that the published 64% holds, and comes out
# high (about 60%): the programme's "ربة أسرة" covers wives of absent, migrant, sick or
# unemployed husbands who carry the household.
HEAD_OF_HOUSEHOLD_TOTAL = 0.64
HEAD_OF_HOUSEHOLD_GIVEN = {"widowed": 0.92, "divorced": 0.85, "single": 0.50}

# Ages 18..59 as a relative frequency: rising through the twenties, flat from 28 to 45,
# falling to 60. A guess at who comes to the centres.
AGE_WEIGHTS: dict[int, float] = {
    age: (4 + (age - 18) * 0.6 if age < 28 else 10 if age <= 45 else 10 - (age - 45) * 0.5)
    for age in range(18, 60)
}

# Household size 1..12, mean about 5 (HCP 2024: 4.0 people per household nationally, from
# regions.csv; the programme's households are taken to be larger). Married women live
# with at least their husband.
HOUSEHOLD_SIZE = {1: 5, 2: 9, 3: 14, 4: 18, 5: 17, 6: 13, 7: 9, 8: 6, 9: 4, 10: 2, 11: 1, 12: 1}

HEALTH_COVERAGE = {"amo": 52, "cnss": 13, "none": 30, "other": 5}
HEALTH_COVERAGE_SALARIED = {"cnss": 70, "amo": 20, "none": 7, "other": 3}

INCOME_SOURCE = {
    "rural": {
        "none": 20, "agriculture": 26, "daily_labour": 16, "trade_crafts": 8, "salaried": 2,
        "pension": 2, "family_support": 12, "social_aid": 10, "other": 4,
    },
    "urban": {
        "none": 24, "agriculture": 2, "daily_labour": 18, "trade_crafts": 16, "salaried": 8,
        "pension": 4, "family_support": 14, "social_aid": 10, "other": 4,
    },
}  # fmt: skip

# Education by area and age band: rural and older women more often without schooling.
EDUCATION = {
    ("rural", True): {
        "none": 18, "primary": 30, "middle_school": 25, "secondary": 14,
        "vocational_training": 9, "university": 4,
    },
    ("rural", False): {
        "none": 48, "primary": 28, "middle_school": 12, "secondary": 6,
        "vocational_training": 4, "university": 2,
    },
    ("urban", True): {
        "none": 6, "primary": 14, "middle_school": 22, "secondary": 24,
        "vocational_training": 18, "university": 16,
    },
    ("urban", False): {
        "none": 25, "primary": 25, "middle_school": 18, "secondary": 14,
        "vocational_training": 10, "university": 8,
    },
}  # fmt: skip

# Experience cannot outrun age: nobody of 20 has ten years of work behind her.
EXPERIENCE_BY_MIN_AGE = (
    (0, {"none": 55, "1_5": 45}),
    (24, {"none": 38, "1_5": 42, "6_10": 20}),
    (30, {"none": 30, "1_5": 33, "6_10": 20, "over_10": 17}),
)

# Fès-Meknès: 3,000 auto-entrepreneurs and 674 cooperative members of 3,674 (82% / 18%);
# the same mix overall, with a few companies, others and women with no status yet.
LEGAL_STATUS = {"auto_entrepreneur": 78, "cooperative": 17, "company": 2, "other": 1, "none": 2}

SUPPORT_REQUESTED: dict[tuple[str, ...], int] = {
    ("training",): 30,
    ("accompaniment",): 20,
    ("training", "accompaniment"): 50,
}

# A project idea is the rule; women already in an activity nearly always have one.
HAS_PROJECT_IDEA = {"active": 0.92, "inactive": 0.6}
PROJECT_STAGE = {
    "active": {"idea": 35, "underway": 35, "existing": 30},
    "inactive": {"idea": 70, "underway": 20, "existing": 10},
}
ACTIVE_STATUSES = frozenset({"auto_entrepreneur", "cooperative", "company"})

PROJECT_SECTOR = {
    "agriculture": 12, "agrifood": 18, "livestock": 13, "fishing": 2, "handicraft": 15,
    "textile": 13, "trade": 10, "services": 10, "tourism": 3, "digital": 2, "other": 2,
}  # fmt: skip
# Regional leanings: the Atlantic south fishes, the mountains and oases host tourists.
SECTOR_BOOST: dict[str, dict[str, float]] = {
    "12": {"fishing": 10.0, "agriculture": 0.5},
    "11": {"fishing": 5.0, "agriculture": 0.5},
    "10": {"fishing": 3.0, "livestock": 1.5},
    "09": {"fishing": 2.0, "agrifood": 1.3, "tourism": 1.5},
    "08": {"tourism": 2.5, "agrifood": 1.3},
    "01": {"fishing": 2.0},
}

# Typing styles of a mobile number (the national number is 0 + 9 digits).
PHONE_STYLES = {
    "pairs": 30,  # 06 12 34 56 78
    "plain": 30,  # 0612345678
    "intl_spaced": 10,  # +212 6 12 34 56 78
    "intl": 10,  # +212612345678
    "dashes": 8,  # 06-12-34-56-78
    "dots": 5,  # 06.12.34.56.78
    "00": 4,  # 00212 612345678
    "intl_dash": 3,  # +212 612-345678
}
# Mobile blocks (first three digits after the 0) that phonenumbers knows as MA mobiles:
# 060-069 except 0683, 0685 and 0686, and the 070, 076 and 077 blocks.
MOBILE_BLOCKS = (
    *(b for b in range(600, 700) if b not in (683, 685, 686)),
    *range(700, 710),
    *range(760, 780),
)
CONSENT_MAX_DAYS_AGO = 120
CIN_SIX_DIGITS = 0.85
