"""Generates the Keras-parity reference fixtures in parity/keras/fixtures/ with real Keras and CPython.

Run (nothing in CI runs Python; the fixtures are committed):

    python3 -m venv /work/venv-keras
    /work/venv-keras/bin/pip install keras jax scikit-learn
    KERAS_BACKEND=jax /work/venv-keras/bin/python parity/keras/generate.py

Each fixture records the library versions that made it.
"""

import json
import os
import platform
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import format_cases  # noqa: E402


def versions():
    out = {"python": platform.python_version()}
    try:
        import keras

        out["keras"] = keras.__version__
        out["keras_backend"] = keras.backend.backend()
    except ImportError:
        pass
    try:
        import jax

        out["jax"] = jax.__version__
    except ImportError:
        pass
    try:
        import numpy

        out["numpy"] = numpy.__version__
    except ImportError:
        pass
    return out


def write(name, payload):
    path = os.path.join(HERE, "fixtures", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"generator": "parity/keras/generate.py", "versions": versions(), **payload}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path}")


def main():
    write("format.json", {"cases": format_cases.cases(), "templates": format_cases.str_format_cases()})
    if "--format-only" in sys.argv:
        return
    import keras_cases

    for name, payload in keras_cases.all_fixtures().items():
        write(name, payload)


if __name__ == "__main__":
    main()
