"""The director daemon (pylvsd), its control protocol and the client front ends use."""
