"""Building blocks of the koneksi-dynamodb program: config models and the resources they drive."""
