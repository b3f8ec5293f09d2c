"""Value types: one home for each kind of value (phone, date, amount, USCC, ID number, ...).

Each module turns a raw string into its canonical form or says in words why it cannot.
"""
