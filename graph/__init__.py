"""The graph: LeadGraph's domain and everything that reads or writes Neo4j.

Parts, from the bottom up (a part imports only parts below it):

* ``core``     — settings, errors, limits, the clock, the domain model (``model.yaml``: labels,
                 keys, link types, display names, chart styles), records, the installation key.
* ``values``   — value types: parsing, display and masking of phones, USCCs, ID numbers, ...
* ``text``     — text intelligence: normalisation, slang and its disguises, template clustering.
* ``db``       — the database: the store (the only module that imports the driver), schema,
                 the writer ingest holds, status, the local Neo4j launcher.
* ``workflow`` — users, sign-in, admin, the audit log, lead lifecycle, the outbox and its sender.
* ``evidence`` — search, trace, ring finding and scores, candidate leads.
* ``export``   — the court package: charts, tables, manifest, signature, verify.
* ``views``    — the workbench's one door: each page's data, composed within the viewer's rights.

``core``, ``values`` and ``text`` are pure: they never touch Neo4j, so ``ingest`` and the
graph's own parts share them without reaching up.
"""
