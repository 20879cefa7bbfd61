// Tells the parent it started, then never returns.
postMessage('spinning');
for (;;) { /* spin until terminated */ }
