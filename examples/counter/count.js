counter.add();
counter.add(41);
counter.later(10).then((count) => console.log(`count after 10 ms: ${count}`));
