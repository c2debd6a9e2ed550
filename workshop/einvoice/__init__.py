"""El Fatoora (Tunisie TradeNet) electronic invoices: TEIF XML, its checks, the XAdES signature, the TTN service."""
