/**
 * The console's home page: the pages the principal's role may open. Like every console page, a
 * pure component: it renders what its route gathered.
 */
import { Label } from './components.tsx';
import { pagesFor } from './layout.tsx';
import type { Role } from '../../config/index.ts';

export function HomePage(props: { role: Role }) {
  return (
    <>
      <p>
        Halaman yang dapat Anda buka <span class="en">/ Pages you may open</span>:
      </p>
      <ul>
        {pagesFor(props.role)
          .filter((entry) => entry.page !== 'home')
          .map((entry) => (
            <li>
              <a href={entry.href}>
                <Label id={entry.id} en={entry.en} />
              </a>
            </li>
          ))}
      </ul>
    </>
  );
}
