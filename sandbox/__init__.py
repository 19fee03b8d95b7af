"""A Stripe-compatible sandbox server for Invoice Portal's tests, demo and first try-outs."""
