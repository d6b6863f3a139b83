"""Command-line entry points: bad input ends in one actionable line, not a traceback."""
from __future__ import annotations

import difflib
import inspect
import os
import re
import sys
from collections.abc import Callable

# errors that mean "the input is wrong", raised with a message that names file/key/expectation
USER_ERRORS = (FileNotFoundError, ValueError, KeyError, TypeError, FloatingPointError)

_NOT_IN_REGISTRY = re.compile(r'(\w+) is not in the \w+::([\w ]+) registry')
_UNEXPECTED_KWARG = re.compile(r"(\w+)\.__init__\(\) got an unexpected keyword argument '(\w+)'")


def _registries() -> list:
    from mmpose import registry
    return [v for v in vars(registry).values()
            if type(v).__name__ == 'Registry' and v.scope == 'mmpose']


def _names(reg) -> list[str]:
    names = []
    while reg is not None:
        reg.import_from_location()
        names += list(reg.module_dict)
        reg = reg.parent
    return names


def did_you_mean(message: str) -> str:
    """A hint for a mistyped registered type or constructor argument, or ''."""
    m = _NOT_IN_REGISTRY.search(message)
    if m:
        for reg in _registries():
            if reg.name == m.group(2):
                close = difflib.get_close_matches(m.group(1), _names(reg), n=3)
                return f" (did you mean {' or '.join(map(repr, close))}?)" if close else ''
    m = _UNEXPECTED_KWARG.search(message)
    if m:
        for reg in _registries():
            cls = reg.module_dict.get(m.group(1))
            if cls is not None:
                params = [p for p in inspect.signature(cls).parameters if p != 'self']
                close = difflib.get_close_matches(m.group(2), params, n=3)
                hint = f"did you mean {' or '.join(map(repr, close))}? " if close else ''
                return f' ({hint}{m.group(1)} accepts: {", ".join(params)})'
    return ''


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
        msg = ' '.join(str(msg).split())  # one line
        # the CLI's own message on stderr (not a log record: it must survive any log config)
        sys.stderr.write(f'error: {msg}{did_you_mean(msg)}\n'
                         '(set MMPOSE_DEBUG=1 for the full traceback)\n')
        sys.exit(2)
