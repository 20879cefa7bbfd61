export function punctuate(text) {
  return text + '!!';
}
