namespace QuantaSeal.Grains;
