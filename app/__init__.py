"""The LeadGraph workbench (Streamlit) and its command line."""
