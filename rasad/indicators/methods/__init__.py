"""The computational core of the indicators app: pure functions, no models and no database.

``baseline``
    Regression energy baselines (ISO 50006 / IPMVP Option C / DOE SEP), their acceptance gates and
    grades, normalized savings, SEnPI, CUSUM and the ASHRAE Guideline 14 savings uncertainty.
``ranking``
    Peer-group composite scorecards that combine a level criterion with an improvement criterion.

Every threshold lives in a frozen settings object that callers can build from versioned
configuration; the defaults are the recommendations of ``/work/shared/METHODS.md``. The reference
page is ``docs/reference/methods.md``.
"""
