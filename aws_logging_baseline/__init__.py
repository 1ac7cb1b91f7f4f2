"""AWS logging & monitoring baseline for Pulumi: components, the CrossGuard pack, offline tools (`pulumi-baseline preview | check | audit`)."""
