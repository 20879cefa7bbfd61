// A script for `kiln run --op-metrics`: one timer (op_timers_arm) and console output.
setTimeout(() => console.log('timer fired'), 1);
