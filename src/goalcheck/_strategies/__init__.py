"""The implementation behind :mod:`goalcheck.strategies` (private; import the public module).

``_define`` writes each public signature once; ``_args`` checks options eagerly; ``_model``
draws the model objects; ``_rule_sets`` draws rule sets; ``_scenarios`` and ``_status``
construct targets a rule set classifies a given way.
"""
