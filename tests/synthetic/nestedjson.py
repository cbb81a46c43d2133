"""What each `nesteds2 ... -j` checker here (nested-dump-json.py, nested-guest-json.py,
nested-check-json.py) does first and last: read the document, check that it is s2dump/1's
nesteds2 document of its mode (docs/json.md), and print the differences found, one a line."""
import json
import sys


def load(path):
    """The JSON document in path; when it is not JSON, one line and exit 1."""
    try:
        return json.load(open(path))
    except ValueError as e:
        print(f"not JSON: {e}")
        sys.exit(1)


def mode_differs(doc, mode):
    """[] when doc is schema s2dump/1, command nesteds2, the given mode; else the one difference."""
    if doc.get("schema") != "s2dump/1" or doc.get("command") != "nesteds2" or doc.get("mode") != mode:
        return [f"schema/command/mode {doc.get('schema')}/{doc.get('command')}/{doc.get('mode')}"]
    return []


def fields(words):
    """The key=value words of a golden line as a dict."""
    return {k: v for k, v in (w.split("=", 1) for w in words if "=" in w)}


def finish(bad):
    """Prints the differences; exit 0 when there are none, else 1."""
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)
