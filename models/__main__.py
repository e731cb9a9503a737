"""``python -m models list|train|cards``: the default models, from the repository root.

``list`` and ``train`` are ``framing models list|train`` with this folder's recipes;
``cards`` fills every ``<name>/card.md.in`` with the numbers of ``experiments/results/``
and writes ``<name>/CARD.md`` (``--check`` only reports the cards that would change).
Errors take the ``framing`` command's path: one line on stderr, exit status 2 for a usage
error, 1 for a failure while running; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import sys

from framing.cli import _common, _Parser, _run
from framing.cli.models import configure

from ._cards import MODELS, write_cards

PROG = "python -m models"


def _cards(args) -> int:
    return write_cards(args.names, check=args.check)


def build_parser():
    """The parser of ``python -m models``: framing's ``models`` actions, and ``cards``."""
    common = _common()
    parser = _Parser(prog=PROG, parents=[common])
    actions = configure(parser, [common], default_recipes=MODELS)
    parser.description = "framing's default models: list them, train one, write their cards."
    cards = actions.add_parser("cards", parents=[common], help="write the model cards",
                               description="Fill each card.md.in with the numbers of "
                                           "experiments/results/ and write CARD.md beside it.")
    cards.add_argument("names", nargs="*", metavar="NAME", help="models (default: all)")
    cards.add_argument("--check", action="store_true",
                       help="write nothing; exit 1 if a card differs from its rendering")
    cards.set_defaults(handler=_cards)
    return parser


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    return _run(build_parser, argv, label=PROG)


if __name__ == "__main__":
    sys.exit(main())
