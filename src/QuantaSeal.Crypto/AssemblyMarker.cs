namespace QuantaSeal.Crypto;
