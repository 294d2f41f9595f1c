"""Admin dashboard (M4): budget, vouchers, claims and providers, with Excel exports."""
