Console.WriteLine("stack: not implemented yet");
return 1;
