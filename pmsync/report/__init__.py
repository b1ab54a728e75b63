"""The periodic report: gathering, metrics, output and the digest."""
