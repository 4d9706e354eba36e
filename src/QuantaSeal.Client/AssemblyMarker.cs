namespace QuantaSeal.Client;
