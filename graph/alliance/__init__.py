"""The alliance: matching sets with other LeadGraph installations without showing them.

Private set intersection by file exchange (``exchange``), what each shared set holds (``sets``),
the asking side's runs in the state folder (``runs``), the file formats (``files``) and the
one wrapper of the PSI library (``protocol``). README, "Alliance".
"""
