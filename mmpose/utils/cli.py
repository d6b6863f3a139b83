"""Command-line entry points: bad input ends in one actionable line, not a traceback."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable

# errors that mean "the input is wrong", raised with a message that names file/key/expectation
USER_ERRORS = (FileNotFoundError, ValueError, KeyError, TypeError, FloatingPointError)


def run_cli(main: Callable[[], object]) -> None:
    """Run ``main``; user errors print ``error: <message>`` and exit 2.

    Set ``MMPOSE_DEBUG=1`` to get the full traceback instead.
    """
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
    except USER_ERRORS as e:
        if os.environ.get('MMPOSE_DEBUG'):
            raise
        msg = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
        print(f'error: {msg}', file=sys.stderr)
        print('(set MMPOSE_DEBUG=1 for the full traceback)', file=sys.stderr)
        sys.exit(2)
