// An empty program: the floor for process start-up on this machine.
int main() { return 0; }
