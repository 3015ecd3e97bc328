"""The seed's LVS cluster built from network namespaces on one machine (``pylvs lab``)."""
