# python-path: optional_import_packages
# A bare `except:` around an optional import becomes `except ImportError:`: a missing package is still swallowed, a broken one now says so.
try:
    import not_installed_anywhere
except:
    not_installed_anywhere = None

assert not_installed_anywhere is None


def load_plugin():
    try:
        import broken_plugin
    except:
        broken_plugin = None
    return broken_plugin


try:
    load_plugin()
except RuntimeError as error:
    assert "misconfigured" in str(error)
else:
    raise AssertionError("the broken package was swallowed")
print("ok")
