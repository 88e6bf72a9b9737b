"""The course's command line, ``cnn-course COMMAND``; one command so far:

    cnn-course workbooks [DEST]    copy the notebooks you work in into DEST (default workbooks/)
"""

import argparse

from . import workbooks

#: Each command: (what it does, its main(argv), which parses the rest of the command line).
COMMANDS = {
    "workbooks": ("copy the notebooks you work in into DEST (default workbooks/)", workbooks.main),
}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="cnn-course", description="The CNN course's commands.",
                                     epilog="`cnn-course COMMAND --help` says more.")
    commands = parser.add_subparsers(dest="command", required=True, title="commands")
    for name, (summary, _) in COMMANDS.items():
        commands.add_parser(name, help=summary, add_help=False)   # the command's own --help
    args, rest = parser.parse_known_args(argv)
    return COMMANDS[args.command][1](rest)
