import type { CheckoutContext } from '../../../shared/checkout/machine';
import type { DeviceRole } from '../../../shared/devices';
import { useDeviceProblem } from '../components';
import { ClosedIcon } from '../icons';
import { useKioskText } from '../i18n';

const roles: readonly DeviceRole[] = ['scanner', 'printer', 'paymentTerminal'];

/** `outOfService`: a required device is down between sales; send shoppers elsewhere and tell staff why. */
export function OutOfServiceScreen({ context }: { context: CheckoutContext }) {
  const { t } = useKioskText();
  const problemOf = useDeviceProblem();
  const problems = roles.flatMap((role) => {
    const problem = problemOf(role, context);
    return problem ? [{ role, problem }] : [];
  });
  return (
    <div className="status status--closed">
      <ClosedIcon className="status__icon status__icon--danger" />
      <h1 className="status__title">{t('outOfService.title')}</h1>
      <p className="status__body">{t('outOfService.body')}</p>
      {problems.length > 0 && (
        <section className="problems">
          <h2 className="problems__title">{t('outOfService.problems')}</h2>
          <ul className="problems__list">
            {problems.map(({ role, problem }) => (
              <li key={role} data-testid="device-problem" data-role={role}>
                {problem}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
