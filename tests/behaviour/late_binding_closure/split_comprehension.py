# A comprehension the defaults push past the file's line length is split
# over lines; each closure still sees its own value.
scales = {"kilo": 1000, "mega": 1000000, "giga": 1000000000, "tera": 1000000000000}
converters = {name: lambda value: value * factor for name, factor in scales.items()}
assert converters["kilo"](2) == 2000, converters["kilo"](2)
assert [convert(1) for convert in converters.values()] == list(scales.values())
print("ok")
