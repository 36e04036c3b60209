"""Figure helpers shared by every app: fonts, text measuring, saving, risk-of-bias marks.

Pure: matplotlib only, no Django import, so ``screening``, ``rob`` and ``analysis`` can all
use it without importing one another.
"""
