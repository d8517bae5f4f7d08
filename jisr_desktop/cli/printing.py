"""Printed cards: print-card (one woman), print-cards (a province, four per sheet)."""

from __future__ import annotations

import argparse

from jisr_desktop.cli.common import EXIT_INVALID, CliError, print_json, say, session, today
from jisr_desktop.i18n import _, ngettext

CARD_LANGS = ("ar", "fr", "zgh", "ar+fr")


def cmd_print_card(args: argparse.Namespace) -> int:
    from jisr_desktop.cards import render_card
    from jisr_desktop.cards.for_record import NoCard, card_for_record
    from jisr_desktop.models.store.card_templates import card_templates_in_force

    store, repo, defs = session(args)
    with store:
        templates = card_templates_in_force(repo)
        try:
            data = card_for_record(repo, defs, args.id, args.kind, issued_on=today(args),
                                   centre=args.centre or "", agent=store.agent)
        except NoCard as exc:
            if exc.code == "not_found":
                raise CliError(_("No record with id {id}.").format(id=args.id)) from exc
            if exc.code == "no_orientation":
                missing = _("This record has no orientation yet (no consent, or not scored).")
            else:
                missing = _("This record has no skills assessment yet.")
            raise CliError(missing, EXIT_INVALID) from exc
    render_card(templates[args.kind].data, data, args.out, args.card_lang)
    print_json(
        {"id": data.record_id, "kind": args.kind, "card_no": data.card_no,
         "lang": args.card_lang, "out": args.out}
    )
    return 0


def cmd_print_cards(args: argparse.Namespace) -> int:
    from jisr_desktop.cards import BatchItem, render_batch
    from jisr_desktop.cards.for_record import province_cards
    from jisr_desktop.models.store.card_templates import card_templates_in_force

    store, repo, defs = session(args)
    template = card_templates_in_force(repo)[args.kind].data  # closed by the `with` below

    def items():
        # One record at a time from the store (read in chunks): a province's thousands of
        # cards never sit in memory together.
        for data in province_cards(repo, defs, args.province, args.kind,
                                   issued_on=today(args), centre=args.centre or "",
                                   agent=store.agent):
            yield BatchItem(template, data, args.card_lang)

    def progress(done: int, _total: int) -> None:
        if done % 100 == 0:
            say(ngettext("{n} card printed", "{n} cards printed", done).format(n=done))

    with store:
        result = render_batch(items(), args.out, progress=progress)
    print_json(
        {"province": args.province, "kind": args.kind, "cards": result.cards,
         "pages": result.pages, "lang": args.card_lang, "out": args.out}
    )
    return 0


def register(add) -> None:
    p = add("print-card", cmd_print_card, _("print one woman's card as a PDF (A6)"))
    p.add_argument("id")
    p.add_argument("--kind", choices=("orientation", "service"), required=True)
    p.add_argument("--lang", dest="card_lang", choices=CARD_LANGS, default="ar+fr",
                   help=_("language of the card (default: Arabic and French)"))
    p.add_argument("--centre", help=_("name of the centre, printed in the footer"))
    p.add_argument("--out", required=True)
    p.add_argument("--today", help=argparse.SUPPRESS)

    p = add("print-cards", cmd_print_cards, _("print the cards of a province, four per A4 sheet"))
    p.add_argument("--province", required=True, help=_("HCP province code, e.g. 07.351"))
    p.add_argument("--kind", choices=("orientation", "service"), default="orientation")
    p.add_argument("--lang", dest="card_lang", choices=CARD_LANGS, default="ar+fr",
                   help=_("language of the cards (default: Arabic and French)"))
    p.add_argument("--centre", help=_("name of the centre, printed in the footer"))
    p.add_argument("--out", required=True)
    p.add_argument("--today", help=argparse.SUPPRESS)
