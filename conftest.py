"""Every test run, the doctests of the packages included, reads the messages as the code writes
them (English); tests/test_i18n.py checks the Vietnamese a person gets by default."""

import os

os.environ["DUNGHAN_LANG"] = "en"
