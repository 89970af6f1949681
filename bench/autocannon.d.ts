// autocannon ships no types; the load bench uses it untyped
declare module 'autocannon';
