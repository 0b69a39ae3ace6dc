import { boot } from './shell';

void boot();
