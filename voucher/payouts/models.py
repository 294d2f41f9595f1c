"""Payout batches (R7): public notice, objections, payment file, marking paid."""
