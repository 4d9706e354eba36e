namespace QuantaSeal.Abstractions;
