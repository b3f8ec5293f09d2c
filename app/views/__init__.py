"""Workbench pages: one module a page, one function a page, each thin (it calls the library).

Which role sees which page is declared in :mod:`app.navigation`. (Not ``app/pages/``: Streamlit
treats a ``pages/`` folder beside the entry script as pages of their own and would run these
modules as scripts.)
"""
