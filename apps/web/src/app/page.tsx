import { redirect } from 'next/navigation';
import { currentViewer } from '~/server/caller';

export default async function Home() {
  redirect((await currentViewer()) ? '/dashboard' : '/sign-in');
}
