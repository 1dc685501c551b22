export async function main(args: string[]): Promise<number> { return 0; }
