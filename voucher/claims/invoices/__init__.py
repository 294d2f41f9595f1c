"""Reading the invoice of a claim: the 数电票 XML, its OFD rendering or its PDF rendering (SPEC R2, R8).

:func:`voucher.claims.invoices.extract.read_invoice` is the one entry point; the format modules parse
bounded input only (see :mod:`voucher.claims.invoices.limits`).
"""
