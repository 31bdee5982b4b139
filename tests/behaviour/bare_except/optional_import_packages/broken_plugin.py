# A stand-in for an installed package that is broken: importing it fails with something else than ImportError.
raise RuntimeError("broken_plugin is misconfigured")
