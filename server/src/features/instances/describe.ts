/**
 * A class of the catalog as the method form and the Classes tree need it: keys, properties, and
 * each method's parameters with their pick lists and the class an EPR parameter takes.
 */
import { Catalog, type ParameterInfo } from '../../catalog/catalog';
import type { ClassDescription, ParameterDescription } from '../../protocol';

/**
 * EPR parameters whose MOF type is an abstract class (REF CIM_ManagedElement): the class whose
 * instances AMT actually accepts there, so the method form can offer them.
 */
const EPR_PARAMETER_CLASS: Record<string, string> = {
  'CIM_PowerManagementService.RequestPowerStateChange.ManagedElement': 'CIM_ComputerSystem',
  'IPS_PowerManagementService.RequestOSPowerSavingStateChange.ManagedElement': 'CIM_ComputerSystem',
  'CIM_AccountManagementService.CreateAccount.System': 'CIM_ComputerSystem',
  'CIM_BootService.SetBootConfigRole.BootConfigSetting': 'CIM_BootConfigSetting',
  'CIM_BootConfigSetting.ChangeBootOrder.Source': 'CIM_BootSourceSetting',
};

export function describeClass(className: string, catalog = Catalog.default()): ClassDescription {
  const cls = catalog.getClass(className);
  const param = (method: string) => (x: ParameterInfo): ParameterDescription => {
    const choices = x.valueMap ? exactChoices(x.valueMap) : undefined;
    const eprClass = x.eprClass ?? (x.type === 'EPR' ? EPR_PARAMETER_CLASS[`${cls.name}.${method}.${x.name}`] : undefined);
    return {
      name: x.name,
      type: x.type,
      array: x.array,
      required: x.required,
      ...(choices && choices.length > 0 ? { choices } : {}),
      ...(eprClass ? { eprClass } : {}),
      ...(x.embeddedInstance ? { embeddedInstance: x.embeddedInstance } : {}),
    };
  };
  return {
    name: cls.name,
    schema: cls.schema,
    resourceUri: cls.resourceUri,
    superclass: cls.superclass,
    keys: [...cls.keys],
    properties: cls.properties.map((x) => ({ name: x.name, type: x.type, array: x.array, key: x.key, required: x.required })),
    methods: cls.methods.map((m) => ({ name: m.name, declaredIn: m.declaredIn, in: m.in.map(param(m.name)), out: m.out.map(param(m.name)) })),
  };
}

/** Value-map entries that name one value (ranges such as `32768..65535` are no choice to pick). */
function exactChoices(map: Readonly<Record<string, string>>): { value: string; label: string }[] {
  return Object.entries(map).filter(([k]) => !k.includes('..')).map(([value, label]) => ({ value, label }));
}

