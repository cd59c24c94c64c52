"""Python format-spec reference cases (CPython's format(), used by Keras for checkpoint names and logs)."""

import random

FLOAT_SPECS = [
    "", "f", ".0f", ".1f", ".2f", ".3f", ".4f", ".6f", ".10f", ".20f", "F", ".2F",
    "e", ".0e", ".1e", ".2e", ".3E", ".16e", ".25e", "#.0e",
    "g", ".0g", ".1g", ".2g", ".3g", ".10g", ".17g", "#g", "#.3g", "G", ".3G",
    "%", ".0%", ".1%", ".2%",
    ".1", ".2", ".3", ".5", ".17", "#.2",
    "10", "010", "<10", "^10", "=10", ">10", "*^12.3f", "0<8.2f", "x=+10.3e", "-^9",
    "+", " ", "+.3f", " .2f", "-.2f", "z.1f", "z.0f", "z", "z.2e", "+z.3g",
    ",", ",.2f", "_.3f", "015,.2f", "012_.1f", "010,", "09,", "08,", ",.0f", ",e", ",g", ",%", "_g",
    "#.0f", "#f", "#", "#.0%", "#10.0f",
    "08.3f", "+08.3f", "-08.3f", " 08.3f", "^08.1f", "015.4e",
    "d", "02d", ",d", "x", "s", "n", ".f", "5.3.2f", "b", "c", ",_f", "_,f",
]

INT_SPECS = [
    "", "d", "02d", "03d", "5d", "<5d", "^7d", ">4", "=+8d", "+d", " d", "-d",
    ",d", "_d", ",", "_", "010,d", "09,d", "08,d", "07_d", "012,", "0=10,",
    "b", "#b", "_b", "#_b", "o", "#o", "x", "#x", "X", "#X", "_x", "#010x", "08X", ",x",
    "c", "+c", "#c", "f", ".2f", ".0e", "g", "%", ".1%", ".3", "e",
    "z", "z.2f", "*^10", "=^10", "x<6", ".2d", "s", "n",
]

STR_SPECS = ["", "s", "10", "<10", ">10", "^10", "*^9", ".2", "10.3", "010", "+", " ", "#", "=10", ",", "d", "z", "0>5"]

FLOATS = [
    0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, 3.5, -2.5, 0.125, 0.375, 0.625, -0.125,
    0.90625, 29 / 32, 0.015, 0.025, 0.035, 0.045, 9.995, 999.5, 0.0005, 0.00015,
    0.1, 0.2, 0.3, 1 / 3, 2 / 3, 0.7, 0.001, 1e-05, 2.5e-07, 1e-4, 1.23456e-5,
    1e15, 1e16, 1e17, 123456789.0, 1234.5, 12345.678, 99999.95, 0.9999999, 0.99995, 9.9999e-5,
    12345678901234567890.0, 1e22, 1e100, 1e300, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308,
    -1e-10, -123.456, 1e-7, 100.0, 10.0, 3.0, 1234567.0, 0.05, 0.15, 0.25, 0.35,
    float("nan"), float("inf"), float("-inf"),
    0.10000000149011612, 0.6931471805599453, 2.3025850929940455, 0.4999999999999999, 0.5000000000000001,
]

INTS = [0, 1, 3, 7, 12, 255, -5, -255, 1000, 1234567, -1234567, 65, 10**20, -(10**20)]

STRS = ["abc", "", "loss", "h\u00e9llo", "val_accuracy"]


def encode(v):
    """[type, text]: float as repr (nan/inf/-inf), int as decimal text, bool, str."""
    if isinstance(v, bool):
        return ["bool", str(v)]
    if isinstance(v, int):
        return ["int", str(v)]
    if isinstance(v, float):
        return ["float", repr(v)]
    return ["str", v]


def case(spec, v):
    """[spec, type, value text, Python's output or null when Python raises]."""
    try:
        out = format(v, spec)
    except (ValueError, TypeError, OverflowError):
        out = None
    return [spec, *encode(v), out]


def cases():
    out = []
    for spec in FLOAT_SPECS:
        for v in FLOATS:
            out.append(case(spec, v))
    for spec in INT_SPECS:
        for v in INTS:
            out.append(case(spec, v))
    for spec in STR_SPECS:
        for v in STRS:
            out.append(case(spec, v))
    for spec in ["", "d", ">5", "+d", ".1f"]:
        for v in [True, False]:
            out.append(case(spec, v))
    # Random doubles over the whole exponent range: shortest repr and exact rounding.
    rng = random.Random(20261202)
    for _ in range(400):
        m = rng.random() * 10
        e = rng.randint(-30, 30)
        v = m * 10.0**e * (1 if rng.random() < 0.8 else -1)
        for spec in ["", ".3g", ".4f", ".2e", ".17g", ".0f", ".12f"]:
            out.append(case(spec, v))
    # Exact binary ties at many scales: k / 2^n.
    for n in range(1, 12):
        for k in range(1, 40, 2):
            v = k / 2**n
            for p in range(0, 6):
                spec = f".{p}f"
                out.append(case(spec, v))
            spec = ".2e"
            out.append(case(spec, v))
    return out


def str_format_cases():
    """str.format templates with keyword fields, as Keras's ModelCheckpoint calls them."""
    logs = {"epoch": 3, "batch": 12, "loss": 0.123456789, "val_loss": 1.0, "acc": 0.90625, "lr": 1e-05, "name": "run"}
    templates = [
        "model-{epoch:02d}-{val_loss:.4f}.keras",
        "{epoch}-{batch}-{loss}",
        "{val_loss}/{lr}/{acc:.2%}",
        "{{literal}}-{epoch:>4}",
        "{name!r}-{name!s}-{acc!r}",
        "{loss:.{prec}f}",
        "{missing}",
        "{epoch:02d",
        "x}y",
        "{}",
        "{0}",
        "{loss:.4f}{",
        "{epoch!x}",
        "{epoch:{width}d}",
        "{epoch.real}",
    ]
    out = []
    for t in templates:
        kw = dict(logs, prec=3, width=5)
        try:
            out.append({"template": t, "out": t.format(**kw)})
        except (ValueError, KeyError, IndexError, AttributeError) as e:
            out.append({"template": t, "error": f"{type(e).__name__}: {e}"})
    return {"values": {k: encode(v) for k, v in dict(logs, prec=3, width=5).items()}, "cases": out}
